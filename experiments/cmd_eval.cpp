// motlab eval --text-emb T.npy --motion-emb M.npy [--captions F] [--ids F]
//             [--caption-sim S.npy] [--protocols all,threshold,...] [--id-list-dir D] [--out DIR]
// Evaluates embeddings made by any tool with motlab's protocols; row i of T pairs with row i of M.
#include <cmath>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "experiments/cli.h"
#include "framework/config/compose.h"
#include "framework/core/error.h"
#include "framework/data/npy.h"
#include "framework/eval/protocol.h"
#include "framework/io/atomic_file.h"
#include "framework/run/runner.h"

namespace motlab::cli {
namespace {

std::vector<std::string> read_lines(const std::string& path) {
  std::ifstream in(path);
  MOTLAB_CHECK(in.good(), "cannot read '", path, "'");
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

int eval_command(const std::vector<std::string>& args) {
  std::map<std::string, std::string> flags;
  for (size_t k = 0; k < args.size(); ++k) {
    MOTLAB_CHECK(args[k].rfind("--", 0) == 0 && k + 1 < args.size(), "motlab eval: expected ",
                 "--flag value pairs, got '", args[k], "' (see motlab eval --help)");
    flags[args[k].substr(2)] = args[k + 1];
    ++k;
  }
  const std::set<std::string> known{"text-emb",    "motion-emb", "captions",    "ids",
                                    "caption-sim", "protocols",  "id-list-dir", "out"};
  for (const auto& [key, value] : flags)
    MOTLAB_CHECK(known.count(key), "motlab eval: unknown flag --", key);
  MOTLAB_CHECK(flags.count("text-emb") && flags.count("motion-emb"),
               "motlab eval: --text-emb and --motion-emb are required");
  eval::EvalInputs in;
  in.text = npy::load(flags["text-emb"]).to(torch::kFloat32);
  in.motion = npy::load(flags["motion-emb"]).to(torch::kFloat32);
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
  if (flags.count("caption-sim")) in.caption_similarity = npy::load(flags["caption-sim"]);
  in.id_list_dir = flags.count("id-list-dir") ? flags["id-list-dir"] : "";
  in.out_dir = flags.count("out") ? flags["out"] : "";
  if (!in.out_dir.empty()) make_dirs(in.out_dir);
  std::string protocols = flags.count("protocols") ? flags["protocols"] : "all,small_batches,long";
  std::map<std::string, double> metrics;
  std::stringstream list(protocols);
  std::string name;
  const std::string config_dir = default_config_dir();
  while (std::getline(list, name, ',')) {
    const std::string option = config_dir + "/protocol/" + name + ".yaml";
    MOTLAB_CHECK(file_exists(option), "motlab eval: no protocol option '", name, "' (", option,
                 ")");
    auto protocol = eval::make_eval_protocol(Config::from_yaml_file(option), BuildContext{});
    for (const auto& kv : protocol->evaluate(in)) metrics[kv.first] = kv.second;
  }
  nlohmann::json out;
  for (const auto& [key, value] : metrics) {
    if (std::isfinite(value))
      out[key] = value;
    else
      out[key] = nullptr;
  }
  if (!in.out_dir.empty()) write_file_atomic(in.out_dir + "/metrics.json", out.dump(2) + "\n");
  std::cout << std::fixed << std::setprecision(2);
  for (const auto& [key, value] : metrics) std::cout << key << " " << value << "\n";
  return 0;
}

}  // namespace
}  // namespace motlab::cli

MOTLAB_COMMAND("eval", "evaluate embeddings from any tool: --text-emb T.npy --motion-emb M.npy",
               motlab::cli::eval_command);
