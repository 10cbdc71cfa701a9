// Hydra-style composition (a faithful subset of Hydra 1.3/1.4): defaults lists, config groups,
// packages, overrides, interpolation and sweeps. The helper owning framework/config implements
// this API; callers (the CLI, the launcher, tests) use nothing else.
#pragma once
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "framework/config/config.h"

namespace motlab {

// One entry of the final defaults list (`--info defaults`).
struct DefaultsEntry {
  std::string config_path;  // e.g. "model/tmr" or "config" for the primary
  std::string package;      // e.g. "model", "" for _global_
  std::string parent;       // config that listed it
  bool is_self = false;     // the _self_ entry of `parent`
};

struct ComposeRequest {
  std::string config_dir;                // primary folder of the config groups (<repo>/configs)
  std::string primary = "config";        // primary config name (<config_dir>/<primary>.yaml)
  std::vector<std::string> overrides;    // command-line overrides, in order (no sweep syntax)
  std::vector<std::string> search_path;  // further folders (ConfigSearchPath), after config_dir
  // Fills the declared options of a node that an option file of `group` put in the config,
  // before the command line's value overrides apply (motlab: complete_group_node).
  std::function<Config(const std::string& group, const Config& node)> complete;
  // A first look before plugins are loaded: missing group options and overrides that do not
  // apply are skipped instead of being errors, so that a config's `plugins:` list can be read.
  bool probe = false;
};

struct Composed {
  Config config;                               // composed, unresolved, struct mode applied
  std::map<std::string, std::string> choices;  // runtime.choices: group -> option ("null" if none)
  std::vector<DefaultsEntry> defaults;         // final defaults list, in merge order
  std::vector<std::string> overrides;          // as given
};

// Throws motlab::Error with file:line, the key and the available options.
Composed compose(const ComposeRequest& request);

// The final defaults list as a table (`--info defaults`).
std::string render_defaults(const std::vector<DefaultsEntry>& defaults);

// Facts a resolver may ask for: ${motlab:runtime.choices.X}, ${motlab:job.num},
// ${motlab:runtime.output_dir}, ${motlab:job.override_dirname}, ...
struct RuntimeInfo {
  std::map<std::string, std::string> choices;
  std::string output_dir;
  int job_num = 0;
  std::string job_name;
  std::vector<std::string> overrides;
};

// Resolves every ${...} (absolute/relative paths, string concatenation, nesting, resolvers now,
// oc.env, motlab:...) and fails on mandatory '???' values that are still unset. Cycles are errors.
Config resolve(const Config& composed, const RuntimeInfo& runtime);
// Only the top-level `keys` (those that exist), resolved against the whole config: what a sweep's
// parent needs before its jobs fill in the rest (a job may set a value that is still '???').
Config resolve_keys(const Config& composed, const RuntimeInfo& runtime,
                    const std::vector<std::string>& keys);

// Multirun expansion: comma lists, choice(a,b) and range(start,stop[,step]) in `overrides`, plus
// sweep params from the config (`sweep.params: {key: "a,b", other: [1, 2]}`, like Hydra's
// hydra.sweeper.params), the command line taking precedence for the same key. Cartesian product
// over keys in order of first appearance (config params first), the last key varying fastest.
// Without `multirun`, any sweep syntax is an error that says to use -m. `sweep_params` may be null.
// The most jobs one sweep may expand to (a larger product is an error naming the axes).
constexpr uint64_t kMaxSweepJobs = 10000;
std::vector<std::vector<std::string>> expand_sweep(const std::vector<std::string>& overrides,
                                                   const Config& sweep_params, bool multirun);

}  // namespace motlab
