// motlab index <run dir> [--splits a,b] [data=<option> data.*=... index.*=...]
// motlab search <run dir> ["query" ...] [-k 10] [--json] [--motion <id|file.npy>] [--queries F|-]
// motlab score <run dir> --text "..." --motion file.npy
#include <fstream>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>

#include "framework/core/device.h"
#include "framework/core/error.h"
#include "framework/core/strings.h"
#include "framework/data/npy.h"
#include "framework/io/atomic_file.h"
#include "tools/motlab/cli.h"
#include "tools/motlab/search_session.h"

namespace motlab::cli {
namespace {

std::string captions_text(const SearchSession& session, const std::string& id) {
  std::string out;
  for (const auto& caption : session.captions(id)) out += (out.empty() ? "" : " / ") + caption;
  return out;
}

int index_command(CommandLine& cl) {
  SessionArgs parsed;
  cl.describe(
      "  encodes every motion of the run's data (or the data the overrides name) with the run's\n"
      "  motion encoder into <run>/index/ and builds a nearest-neighbour index over them\n"
      "  (exact below index.exact_below motions, else index.approximate: ivf or hnsw, with its\n"
      "  recall@10 against exact search). Re-running reuses what is already encoded.\n"
      "  index.*: exact_below, approximate, hnsw_m, hnsw_ef_construction, hnsw_ef_search,\n"
      "  ivf_lists, ivf_probe");
  declare_session_args(cl, &parsed, "");
  cl.parse();
  finish_session_args(cl, &parsed, false);
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

int search_command(CommandLine& cl) {
  SessionArgs parsed;
  int64_t k = 10;
  std::string queries_file, motion;
  bool json = false;
  cl.describe(
      "  text to motion (Korean or English queries: rank, id, score and the motion's captions);\n"
      "  --motion: motion to motion from an indexed id or a 263-d .npy; --queries: one query per\n"
      "  line (- = stdin). The text encoder is loaded once for all queries.");
  declare_session_args(cl, &parsed, "\"query\" ...: texts to search for");
  cl.integer(",k", &k, 1, 1000, "N", "results per query")
      .text("queries", &queries_file, "FILE|-", "one query per line (- = stdin)")
      .text("motion", &motion, "ID|file.npy", "search by a motion instead of a text")
      .flag("json", &json, "print JSON")
      .parse();
  finish_session_args(cl, &parsed, true);
  std::vector<std::string> queries = parsed.positional;
  if (!queries_file.empty()) {
    const std::string& file = queries_file;
    std::ifstream in_file;
    if (file != "-") {
      in_file.open(file);
      MOTLAB_CHECK(in_file.good(), "motlab search: cannot read --queries file '", file, "'");
    }
    std::istream& in = file == "-" ? std::cin : in_file;
    for (std::string line; std::getline(in, line);)
      if (!trim(line).empty()) queries.push_back(trim(line));
  }
  const bool by_motion = !motion.empty();
  MOTLAB_CHECK(by_motion || !queries.empty(),
               "motlab search: give a query, --queries or --motion (see motlab search --help)");
  SearchSession session(parsed, /*rebuild=*/false, nullptr);
  std::vector<SearchResult> results;
  std::vector<std::string> labels;
  if (by_motion) {
    results.push_back(session.similar_motions(motion, k));
    labels.push_back("motion " + motion);
  } else {
    results = session.search_text(queries, k);
    labels = queries;
  }
  if (json) {
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

int score_command(CommandLine& cl) {
  std::string run_dir, sentence, motion_file, device = "cpu";
  cl.describe(
        "  the run's similarity (cosine of the joint embeddings) of a sentence and a motion given\n"
        "  as HumanML3D 263-d features [T, 263] (as in new_joint_vecs/, not normalised)")
      .positional("run dir", &run_dir, "a trained run's directory")
      .text("text", &sentence, "TEXT", "the sentence (required)")
      .text("motion", &motion_file, "file.npy", "the motion's features (required)")
      .text("device", &device, "D", "cpu or cuda")
      .parse();
  MOTLAB_CHECK(!sentence.empty() && !motion_file.empty(),
               "motlab score: --text and --motion are required (see motlab score --help)");
  const auto encoders = search::load_run_encoders(RunDir(run_dir), resolve_device(device));
  const torch::Tensor text = encoders.encode_text({sentence});
  const torch::Tensor motion = encoders.encode_motion(npy::load(motion_file));
  std::cout << std::fixed << std::setprecision(6) << (text * motion).sum().item<double>() << "\n";
  return 0;
}

}  // namespace
}  // namespace motlab::cli

MOTLAB_COMMAND("index", "encode a dataset's motions with a trained run into a search index",
               motlab::cli::index_command);
MOTLAB_COMMAND("search", "top-k motions of a trained run for a text (or a motion)",
               motlab::cli::search_command);
MOTLAB_COMMAND("score", "a trained run's similarity of one sentence and one motion",
               motlab::cli::score_command);
