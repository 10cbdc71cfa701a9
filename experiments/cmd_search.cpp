// motlab index <run dir> [--splits a,b] [data=<option> data.*=... index.*=...]
// motlab search <run dir> ["query" ...] [-k 10] [--json] [--motion <id|file.npy>] [--queries F|-]
// motlab score <run dir> --text "..." --motion file.npy
#include <fstream>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>

#include "experiments/cli.h"
#include "experiments/search_session.h"
#include "framework/core/error.h"
#include "framework/core/strings.h"
#include "framework/data/npy.h"
#include "framework/io/atomic_file.h"

namespace motlab::cli {
namespace {

const char* kIndexUsage =
    "usage: motlab index <run dir> [--splits train,val,test] [--device D] [--batch-size N]\n"
    "                    [data=<option> data.root=... ...] [index.kind=auto|flat|hnsw|ivf ...]\n"
    "  encodes every motion of the run's data (or the data the overrides name) with the run's\n"
    "  motion encoder into <run>/index/ and builds a nearest-neighbour index over them\n"
    "  (exact below index.exact_below motions, else index.approximate: ivf or hnsw, with its\n"
    "  recall@10 against exact search). Re-running reuses what is already encoded.\n"
    "  index.*: exact_below, approximate, hnsw_m, hnsw_ef_construction, hnsw_ef_search,\n"
    "  ivf_lists, ivf_probe\n";

const char* kSearchUsage =
    "usage: motlab search <run dir> [\"query\" ...] [-k 10] [--json] [--queries FILE|-]\n"
    "                     [--motion <id | file.npy>] [--splits ...] [data=... index.*=...]\n"
    "  text to motion (Korean or English queries: rank, id, score and the motion's captions);\n"
    "  --motion: motion to motion from an indexed id or a 263-d .npy; --queries: one query per\n"
    "  line (- = stdin). The text encoder is loaded once for all queries.\n";

const char* kScoreUsage =
    "usage: motlab score <run dir> --text \"...\" --motion file.npy\n"
    "  the run's similarity (cosine of the joint embeddings) of a sentence and a motion given as\n"
    "  HumanML3D 263-d features [T, 263] (as in new_joint_vecs/, not normalised)\n";

std::string captions_text(const SearchSession& session, const std::string& id) {
  std::string out;
  for (const auto& caption : session.captions(id)) out += (out.empty() ? "" : " / ") + caption;
  return out;
}

int index_command(const std::vector<std::string>& args) {
  SessionArgs parsed = parse_session_args(args, kIndexUsage, {});
  MOTLAB_CHECK(parsed.positional.empty(), "motlab index: unexpected '", parsed.positional[0], "'\n",
               kIndexUsage);
  search::BuildReport report;
  SearchSession session(parsed, /*rebuild=*/true, &report);
  const auto& index = session.index();
  std::cout << "indexed " << index.motions().size() << " motions (" << report.encoded
            << " encoded in " << std::fixed << std::setprecision(1) << report.encode_seconds
            << " s, " << report.reused << " reused) in " << index.folder() << ": "
            << index.index().kind() << " index";
  if (index.index().kind() != "flat")
    std::cout << ", recall@10 " << std::setprecision(4) << index.recall_at_10()
              << " against exact search";
  std::cout << (report.loaded ? " (unchanged)" : "") << "\n";
  return 0;
}

int search_command(const std::vector<std::string>& args) {
  SessionArgs parsed = parse_session_args(args, kSearchUsage, {"-k", "--queries", "--motion"});
  int64_t k = 10;
  if (parsed.flags.count("-k")) {
    const std::string text = parsed.flags["-k"];
    MOTLAB_CHECK(parse_integer(text, &k) && k >= 1 && k <= 1000,
                 "motlab search: -k needs a number in ", "[1, 1000], got '", text, "'");
  }
  std::vector<std::string> queries = parsed.positional;
  if (parsed.flags.count("--queries")) {
    const std::string file = parsed.flags["--queries"];
    std::ifstream in_file;
    if (file != "-") {
      in_file.open(file);
      MOTLAB_CHECK(in_file.good(), "motlab search: cannot read --queries file '", file, "'");
    }
    std::istream& in = file == "-" ? std::cin : in_file;
    for (std::string line; std::getline(in, line);)
      if (!trim(line).empty()) queries.push_back(trim(line));
  }
  const bool by_motion = parsed.flags.count("--motion") > 0;
  MOTLAB_CHECK(by_motion || !queries.empty(),
               "motlab search: give a query, --queries or --motion\n", kSearchUsage);
  SearchSession session(parsed, /*rebuild=*/false, nullptr);
  std::vector<SearchResult> results;
  std::vector<std::string> labels;
  if (by_motion) {
    results.push_back(session.similar_motions(parsed.flags["--motion"], k));
    labels.push_back("motion " + parsed.flags["--motion"]);
  } else {
    results = session.search_text(queries, k);
    labels = queries;
  }
  if (parsed.json) {
    nlohmann::json out = nlohmann::json::array();
    for (size_t q = 0; q < results.size(); ++q)
      out.push_back({{"query", labels[q]}, {"results", session.hits_json(results[q])}});
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  for (size_t q = 0; q < results.size(); ++q) {
    std::cout << "query: " << labels[q] << "\n";
    for (const auto& hit : results[q].hits)
      std::cout << std::setw(4) << hit.rank << "  " << std::left << std::setw(10) << hit.id
                << std::right << std::fixed << std::setprecision(4) << "  " << hit.score << "  "
                << captions_text(session, hit.id) << "\n";
  }
  return 0;
}

int score_command(const std::vector<std::string>& args) {
  SessionArgs parsed = parse_session_args(args, kScoreUsage, {"--text", "--motion"});
  MOTLAB_CHECK(parsed.flags.count("--text") && parsed.flags.count("--motion"),
               "motlab score: --text and --motion are required\n", kScoreUsage);
  const auto encoders = search::load_run_encoders(parsed.run_dir, parsed.device);
  const torch::Tensor text = encoders.encode_text({parsed.flags["--text"]});
  const torch::Tensor motion = encoders.encode_motion(npy::load(parsed.flags["--motion"]));
  std::cout << std::fixed << std::setprecision(6) << (text * motion).sum().item<double>() << "\n";
  return 0;
}

}  // namespace
}  // namespace motlab::cli

MOTLAB_COMMAND("index", "encode a dataset's motions with a trained run into a search index",
               motlab::cli::kIndexUsage, motlab::cli::index_command);
MOTLAB_COMMAND("search", "top-k motions of a trained run for a text (or a motion)",
               motlab::cli::kSearchUsage, motlab::cli::search_command);
MOTLAB_COMMAND("score", "a trained run's similarity of one sentence and one motion",
               motlab::cli::kScoreUsage, motlab::cli::score_command);
