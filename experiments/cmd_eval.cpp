// motlab eval <run dir> [--out DIR]
//   re-evaluates a trained run from its saved test embeddings with the protocols of its config,
//   and checks the numbers against the run's metrics.json.
// motlab eval --text-emb T.npy --motion-emb M.npy [--captions F] [--ids F]
//             [--caption-sim S.npy] [--protocols all,threshold,...] [--id-list-dir D] [--out DIR]
//   evaluates embeddings made by any tool with motlab's protocols; row i of T pairs with row i of
//   M.
#include <cmath>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "experiments/cli.h"
#include "framework/config/compose.h"
#include "framework/config/search_path.h"
#include "framework/core/error.h"
#include "framework/core/strings.h"
#include "framework/data/npy.h"
#include "framework/eval/protocol.h"
#include "framework/io/atomic_file.h"
#include "framework/run/runner.h"

namespace motlab::cli {
namespace {

void print_metrics(const std::map<std::string, double>& metrics) {
  std::cout << std::fixed << std::setprecision(2);
  for (const auto& [key, value] : metrics) std::cout << key << " " << value << "\n";
}

void write_metrics(const std::string& dir, const std::map<std::string, double>& metrics) {
  nlohmann::json out;
  for (const auto& [key, value] : metrics) {
    if (std::isfinite(value))
      out[key] = value;
    else
      out[key] = nullptr;
  }
  make_dirs(dir);
  write_file_atomic(dir + "/metrics.json", out.dump(2) + "\n");
}

const char* kEvalUsage =
    "usage: motlab eval <run dir> [--out DIR]\n"
    "  re-evaluates a trained run from its saved test embeddings with the protocols of its\n"
    "  config and checks every number against the run's metrics.json (exit 1 if one differs)\n"
    "       motlab eval --text-emb T.npy --motion-emb M.npy [--captions F] [--ids F]\n"
    "                   [--caption-sim S.npy] [--protocols all,threshold,...]\n"
    "                   [--id-list-dir D] [--frames F] [--out DIR]\n"
    "  evaluates embeddings from any tool (row i of T pairs with row i of M) with motlab's\n"
    "  protocols (option names of configs/protocol/; default all,small_batches,long)\n";

// `motlab eval <run dir>`: the run's saved embeddings + its resolved config's protocols.
int eval_run_dir(const std::string& run_dir, const std::vector<std::string>& rest) {
  std::string out_dir;
  for (size_t k = 0; k < rest.size(); ++k) {
    MOTLAB_CHECK(rest[k] == "--out" && k + 1 < rest.size(), "motlab eval <run dir>: unexpected '",
                 rest[k], "' (only --out DIR may follow the run dir)");
    out_dir = rest[++k];
  }
  const std::string config_path = run_dir + "/config_resolved.yaml";
  MOTLAB_CHECK(file_exists(config_path), "motlab eval: '", run_dir,
               "' is not a run directory (no config_resolved.yaml)");
  const Config config = Config::from_yaml_file(config_path);
  MOTLAB_CHECK(config.has("task.protocols"), config_path,
               ": no task.protocols (was this run made by task=train?)");
  const std::string emb = run_dir + "/embeddings/";
  for (const char* file : {"test_text.npy", "test_motion.npy", "test_ids.txt", "test_captions.txt"})
    MOTLAB_CHECK(file_exists(emb + file), "motlab eval: ", emb + file,
                 " is missing (the run must finish with task.save_embeddings=true)");
  eval::EvalInputs in;
  in.text = eval::load_matrix(emb + "test_text.npy");
  in.motion = eval::load_matrix(emb + "test_motion.npy");
  in.ids = read_lines(emb + "test_ids.txt");
  in.captions = read_lines(emb + "test_captions.txt");
  in.frames = eval::read_frame_counts(emb + "test_frames.txt", in.ids.size());
  if (file_exists(emb + "test_caption_similarity.npy"))
    in.caption_similarity = eval::load_matrix(emb + "test_caption_similarity.npy");
  if (config.has("data")) in.id_list_dir = eval::id_list_dir_of(config["data"]);
  in.out_dir = out_dir;
  const std::map<std::string, double> metrics =
      eval::run_protocols(config["task"]["protocols"], in, BuildContext{});
  print_metrics(metrics);
  // The run's own numbers: every recomputed metric must match what training wrote.
  const std::string metrics_path = run_dir + "/metrics.json";
  if (file_exists(metrics_path)) {
    const auto recorded = nlohmann::json::parse(read_file(metrics_path));
    int compared = 0, differing = 0;
    for (const auto& [key, value] : metrics) {
      if (!recorded.contains(key)) continue;
      ++compared;
      const auto& r = recorded[key];
      const bool same = r.is_null() ? !std::isfinite(value)
                                    : (r.is_number() && std::abs(r.get<double>() - value) <= 1e-9);
      if (!same) {
        ++differing;
        std::cerr << "differs from " << metrics_path << ": " << key << " recorded " << r.dump()
                  << ", recomputed " << value << "\n";
      }
    }
    std::cout << "compared with " << metrics_path << ": " << compared << " metrics, " << differing
              << " differ\n";
    if (!out_dir.empty()) write_metrics(out_dir, metrics);
    return differing == 0 ? 0 : 1;
  }
  if (!out_dir.empty()) write_metrics(out_dir, metrics);
  return 0;
}

int eval_command(const std::vector<std::string>& args) {
  if (!args.empty() && args[0].rfind("--", 0) != 0)
    return eval_run_dir(args[0], std::vector<std::string>(args.begin() + 1, args.end()));
  std::map<std::string, std::string> flags;
  for (size_t k = 0; k < args.size(); ++k) {
    MOTLAB_CHECK(args[k].rfind("--", 0) == 0 && k + 1 < args.size(), "motlab eval: expected ",
                 "--flag value pairs, got '", args[k], "' (see motlab eval --help)");
    flags[args[k].substr(2)] = args[k + 1];
    ++k;
  }
  const std::set<std::string> known{"text-emb",  "motion-emb",  "captions", "ids",   "caption-sim",
                                    "protocols", "id-list-dir", "out",      "frames"};
  for (const auto& [key, value] : flags)
    MOTLAB_CHECK(known.count(key), "motlab eval: unknown flag --", key);
  MOTLAB_CHECK(flags.count("text-emb") && flags.count("motion-emb"),
               "motlab eval: --text-emb and --motion-emb are required");
  eval::EvalInputs in;
  in.text = eval::load_matrix(flags["text-emb"]);
  in.motion = eval::load_matrix(flags["motion-emb"]);
  MOTLAB_CHECK(in.text.dim() == 2 && in.text.sizes() == in.motion.sizes(), flags["text-emb"], " ",
               in.text.sizes(), " and ", flags["motion-emb"], " ", in.motion.sizes(),
               ": expected two [N, E] arrays of the same shape");
  const int64_t n = in.text.size(0);
  if (flags.count("ids")) {
    in.ids = read_lines(flags["ids"]);
  } else {
    for (int64_t k = 0; k < n; ++k) in.ids.push_back(std::to_string(k));
  }
  if (flags.count("captions"))
    in.captions = read_lines(flags["captions"]);
  else
    in.captions.assign(n, "");
  MOTLAB_CHECK(static_cast<int64_t>(in.ids.size()) == n, flags["ids"], ": ", in.ids.size(),
               " lines for ", n, " embeddings");
  MOTLAB_CHECK(static_cast<int64_t>(in.captions.size()) == n, flags["captions"], ": ",
               in.captions.size(), " lines for ", n, " embeddings");
  if (flags.count("caption-sim")) in.caption_similarity = eval::load_matrix(flags["caption-sim"]);
  in.id_list_dir = flags.count("id-list-dir") ? flags["id-list-dir"] : "";
  in.out_dir = flags.count("out") ? flags["out"] : "";
  if (flags.count("frames")) {
    MOTLAB_CHECK(file_exists(flags["frames"]), "motlab eval: --frames ", flags["frames"],
                 " does not exist");
    in.frames = eval::read_frame_counts(flags["frames"], in.ids.size());
  }
  if (!in.out_dir.empty()) make_dirs(in.out_dir);
  // Each name is an option of the protocol group (on the config search path) and the entry name
  // of its metrics.
  const std::string names =
      flags.count("protocols") ? flags["protocols"] : "all,small_batches,long15,long20";
  std::vector<std::string> dirs{default_config_dir()};
  for (const auto& dir : extra_config_folders()) dirs.push_back(dir);
  const ConfigSearchPath paths(dirs);
  std::vector<Config::Item> entries;
  for (const auto& name : split_nonempty(names, ',')) {
    const std::string option = paths.find("protocol/" + name + ".yaml");
    MOTLAB_CHECK(!option.empty(), "motlab eval: --protocols names '", name,
                 "', which is not an option of the protocol group (options: ",
                 join_names(paths.options_of("protocol")), ")");
    entries.emplace_back(name, Config::from_yaml_file(option));
  }
  const std::map<std::string, double> metrics =
      eval::run_protocols(Config::dict(entries), in, BuildContext{});
  if (!in.out_dir.empty()) write_metrics(in.out_dir, metrics);
  print_metrics(metrics);
  return 0;
}

}  // namespace
}  // namespace motlab::cli

MOTLAB_COMMAND("eval",
               "evaluate a trained run (<run dir>) or embeddings from any tool (--text-emb T.npy "
               "--motion-emb M.npy)",
               motlab::cli::kEvalUsage, motlab::cli::eval_command);
