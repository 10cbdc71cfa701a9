// motlab eval <run dir> [--out DIR]
//   re-evaluates a trained run from its saved test embeddings with the protocols of its config,
//   and checks the numbers against the run's metrics.json.
// motlab eval --text-emb T.npy --motion-emb M.npy [--captions F] [--ids F]
//             [--caption-sim S.npy] [--protocols all,threshold,...] [--id-list-dir D] [--out DIR]
//   evaluates embeddings made by any tool with motlab's protocols; row i of T pairs with row i of
//   M.
#include <cmath>
#include <iomanip>
#include <iostream>
#include <map>

#include "framework/artifacts/run_dir.h"
#include "framework/config/compose.h"
#include "framework/config/search_path.h"
#include "framework/core/error.h"
#include "framework/core/strings.h"
#include "framework/data/npy.h"
#include "framework/eval/protocol.h"
#include "framework/io/atomic_file.h"
#include "framework/run/runner.h"
#include "tools/motlab/cli.h"

namespace motlab::cli {
namespace {

void print_metrics(const std::map<std::string, double>& metrics) {
  std::cout << std::fixed << std::setprecision(2);
  for (const auto& [key, value] : metrics) std::cout << key << " " << value << "\n";
}

// --out: a metrics.json in the run directory format, so compare and table read it like a run.
void write_metrics(const std::string& dir, const std::map<std::string, double>& metrics) {
  RunSummary summary;
  summary.status = "ok";
  summary.bookkeeping["task"] = "eval";
  for (const auto& [key, value] : metrics) summary.metrics[key] = value;
  RunDir(dir).write_summary(summary);
}

// `motlab eval <run dir>`: the run's saved embeddings + its resolved config's protocols.
int eval_run_dir(const std::string& run_dir, const std::string& out_dir) {
  const RunDir run(run_dir);
  const Config& config = run.resolved_config("motlab eval");
  MOTLAB_CHECK(config.has("task.protocols"), run.resolved_config_file(),
               ": no task.protocols (was this run made by task=train?)");
  eval::EvalInputs in = run.test_embeddings().eval_inputs();
  if (config.has("data")) in.id_list_dir = eval::id_list_dir_of(config["data"]);
  in.out_dir = out_dir;
  const std::map<std::string, double> metrics =
      eval::run_protocols(config["task"]["protocols"], in, BuildContext{});
  print_metrics(metrics);
  // The run's own numbers: every recomputed metric must match what training wrote.
  if (run.has_summary()) {
    const RunSummary recorded = run.summary();
    const std::string& metrics_path = recorded.file;
    int compared = 0, differing = 0;
    for (const auto& [key, value] : metrics) {
      if (!recorded.has_metric(key)) continue;
      ++compared;
      const std::optional<double> r = recorded.metric(key);
      const bool same = !r ? !std::isfinite(value) : std::abs(*r - value) <= 1e-9;
      if (!same) {
        ++differing;
        std::cerr << "differs from " << metrics_path << ": " << key << " recorded "
                  << (r ? std::to_string(*r) : std::string("null")) << ", recomputed " << value
                  << "\n";
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

int eval_command(CommandLine& cl) {
  std::string run_dir, out_dir, text_emb, motion_emb, captions, ids, caption_sim, id_list_dir,
      frames;
  std::vector<std::string> protocols{"all", "small_batches", "long15", "long20"};
  cl.describe(
        "  with <run dir>: re-evaluates a trained run from its saved test embeddings with the\n"
        "  protocols of its config and checks every number against the run's metrics.json\n"
        "  (exit 1 if one differs); only --out may be given with it.\n"
        "  with --text-emb T.npy --motion-emb M.npy: evaluates embeddings from any tool (row i\n"
        "  of T pairs with row i of M) with motlab's protocols.")
      .positional("run dir", &run_dir, "a finished run (task.save_embeddings=true)", false)
      .text("out", &out_dir, "DIR", "also write metrics.json (and protocol files) into DIR")
      .text("text-emb", &text_emb, "T.npy", "text embeddings [N, E]")
      .text("motion-emb", &motion_emb, "M.npy", "motion embeddings [N, E]")
      .text("captions", &captions, "FILE", "one caption per row (long-caption protocols)")
      .text("ids", &ids, "FILE", "one motion id per row (default 0..N-1)")
      .text("caption-sim", &caption_sim, "S.npy", "caption similarity [N, N] (threshold)")
      .list("protocols", &protocols, "P1,P2", "options of configs/protocol/")
      .text("id-list-dir", &id_list_dir, "DIR", "folder of the protocols' id lists")
      .text("frames", &frames, "FILE", "one frame count per row")
      .parse();
  if (!run_dir.empty()) {
    for (const char* flag : {"text-emb", "motion-emb", "captions", "ids", "caption-sim",
                             "protocols", "id-list-dir", "frames"})
      MOTLAB_CHECK(!cl.given(flag), "motlab eval <run dir>: --", flag,
                   " is for embeddings from other tools (only --out may follow the run dir)");
    return eval_run_dir(run_dir, out_dir);
  }
  MOTLAB_CHECK(!text_emb.empty() && !motion_emb.empty(),
               "motlab eval: give a run directory, or --text-emb and --motion-emb "
               "(see motlab eval --help)");
  eval::EvalInputs in;
  in.text = eval::load_matrix(text_emb);
  in.motion = eval::load_matrix(motion_emb);
  MOTLAB_CHECK(in.text.dim() == 2 && in.text.sizes() == in.motion.sizes(), text_emb, " ",
               in.text.sizes(), " and ", motion_emb, " ", in.motion.sizes(),
               ": expected two [N, E] arrays of the same shape");
  const int64_t n = in.text.size(0);
  if (!ids.empty()) {
    in.ids = read_lines(ids);
  } else {
    for (int64_t k = 0; k < n; ++k) in.ids.push_back(std::to_string(k));
  }
  if (!captions.empty())
    in.captions = read_lines(captions);
  else
    in.captions.assign(n, "");
  MOTLAB_CHECK(static_cast<int64_t>(in.ids.size()) == n, ids, ": ", in.ids.size(), " lines for ", n,
               " embeddings");
  MOTLAB_CHECK(static_cast<int64_t>(in.captions.size()) == n, captions, ": ", in.captions.size(),
               " lines for ", n, " embeddings");
  if (!caption_sim.empty()) in.caption_similarity = eval::load_matrix(caption_sim);
  in.id_list_dir = id_list_dir;
  in.out_dir = out_dir;
  if (!frames.empty()) {
    MOTLAB_CHECK(file_exists(frames), "motlab eval: --frames ", frames, " does not exist");
    in.frames = eval::read_frame_counts(frames, in.ids.size());
  }
  if (!in.out_dir.empty()) make_dirs(in.out_dir);
  // Each name is an option of the protocol group (on the config search path) and the entry name
  // of its metrics.
  std::vector<std::string> dirs{default_config_dir()};
  for (const auto& dir : extra_config_folders()) dirs.push_back(dir);
  const ConfigSearchPath paths(dirs);
  std::vector<Config::Item> entries;
  for (const auto& name : protocols) {
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
               motlab::cli::eval_command);
