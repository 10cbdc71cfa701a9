#include "framework/io/weight_loading.h"

#include <set>
#include <sstream>

#include "framework/core/error.h"

namespace motlab::io {
namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// A source of checkpoint tensors: names, shapes (without reading data) and data.
struct Source {
  std::string origin;
  std::vector<std::string> names;
  std::function<std::vector<int64_t>(const std::string&)> shape;
  std::function<torch::Tensor(const std::string&)> read;
  std::function<std::string(const std::string&)> where;
};

WeightLoadReport load_from(torch::nn::Module& module, const Source& source,
                           const WeightLoadSettings& options) {
  std::map<std::string, torch::Tensor> slots;
  std::set<std::string> buffer_names;
  for (const auto& item : module.named_parameters(/*recurse=*/true))
    slots[item.key()] = item.value();
  for (const auto& item : module.named_buffers(/*recurse=*/true)) {
    slots[item.key()] = item.value();
    buffer_names.insert(item.key());
  }

  // Map checkpoint names to module names.
  std::map<std::string, std::string> module_to_checkpoint;
  std::vector<std::string> problems;
  WeightLoadReport report;
  for (const std::string& original : source.names) {
    std::string name = original;
    if (!slots.count(name)) {
      for (const auto& prefix : options.strip_prefixes) {
        if (name.compare(0, prefix.size(), prefix) == 0) {
          name = name.substr(prefix.size());
          break;
        }
      }
    }
    if (options.rename_layer_norm_gamma_beta && !slots.count(name)) {
      if (ends_with(name, ".gamma"))
        name = name.substr(0, name.size() - 6) + ".weight";
      else if (ends_with(name, ".beta"))
        name = name.substr(0, name.size() - 5) + ".bias";
    }
    if (options.rename) {
      auto renamed = options.rename(name);
      if (!renamed) continue;
      name = *renamed;
    }
    if (!slots.count(name)) {
      if (matches_name_pattern(name, options.allow_unexpected) ||
          matches_name_pattern(original, options.allow_unexpected)) {
        report.ignored.push_back(original);
      } else {
        problems.push_back("unexpected tensor '" + original + "' (shape " +
                           shape_string(source.shape(original)) + ", in " + source.where(original) +
                           "): the module has no '" + name + "'");
      }
      continue;
    }
    auto inserted = module_to_checkpoint.emplace(name, original);
    if (!inserted.second) {
      problems.push_back("tensors '" + inserted.first->second + "' and '" + original +
                         "' both map to module tensor '" + name + "'");
    }
  }

  // Tied weights fill missing slots from their partner's checkpoint tensor.
  for (const auto& [target, partner] : options.tied) {
    if (!slots.count(target) || module_to_checkpoint.count(target)) continue;
    auto it = module_to_checkpoint.find(partner);
    if (it == module_to_checkpoint.end()) continue;
    module_to_checkpoint[target] = it->second;
    report.tied.push_back(target);
  }

  for (const auto& [name, slot] : slots) {
    if (module_to_checkpoint.count(name)) continue;
    if ((options.buffers_optional && buffer_names.count(name)) ||
        matches_name_pattern(name, options.allow_missing)) {
      report.missing_allowed.push_back(name);
      continue;
    }
    problems.push_back("missing tensor '" + name + "' (module expects shape " +
                       shape_string(slot.sizes()) + ")");
  }

  for (const auto& [name, original] : module_to_checkpoint) {
    const torch::Tensor& slot = slots[name];
    const std::vector<int64_t> shape = source.shape(original);
    if (at::IntArrayRef(shape) != slot.sizes()) {
      problems.push_back("tensor '" + original + "' has shape " + shape_string(shape) + " in " +
                         source.where(original) + " but module tensor '" + name + "' has shape " +
                         shape_string(slot.sizes()));
    }
  }

  if (!problems.empty()) {
    std::ostringstream out;
    out << "cannot load '" << source.origin << "' into the model: " << problems.size()
        << " problem(s)";
    const size_t shown = std::min<size_t>(problems.size(), 20);
    for (size_t i = 0; i < shown; ++i) out << "\n  " << problems[i];
    if (shown < problems.size()) out << "\n  ... and " << problems.size() - shown << " more";
    MOTLAB_FAIL(out.str());
  }

  torch::NoGradGuard no_grad;
  for (const auto& [name, original] : module_to_checkpoint) {
    torch::Tensor& slot = slots[name];
    slot.copy_(source.read(original).to(slot.scalar_type()));
    report.loaded.push_back(name);
  }
  return report;
}

}  // namespace

bool matches_name_pattern(const std::string& name, const std::vector<std::string>& patterns) {
  for (const auto& p : patterns) {
    if (p.empty()) continue;
    if (p.size() >= 2 && p.front() == '*' && p.back() == '*') {
      if (name.find(p.substr(1, p.size() - 2)) != std::string::npos) return true;
    } else if (p.back() == '.') {
      if (name.compare(0, p.size(), p) == 0) return true;
    } else if (name == p) {
      return true;
    }
  }
  return false;
}

WeightLoadReport load_weights(torch::nn::Module& module, const Checkpoint& checkpoint,
                              const WeightLoadSettings& options) {
  Source source;
  source.origin = checkpoint.origin();
  source.names = checkpoint.names();
  source.shape = [&](const std::string& n) { return checkpoint.info(n).shape; };
  source.read = [&](const std::string& n) { return checkpoint.tensor(n); };
  source.where = [&](const std::string& n) { return "'" + checkpoint.file_of(n) + "'"; };
  return load_from(module, source, options);
}

WeightLoadReport load_weights(torch::nn::Module& module,
                              const std::map<std::string, torch::Tensor>& tensors,
                              const WeightLoadSettings& options, const std::string& origin) {
  Source source;
  source.origin = origin;
  for (const auto& kv : tensors) source.names.push_back(kv.first);
  source.shape = [&](const std::string& n) { return tensors.at(n).sizes().vec(); };
  source.read = [&](const std::string& n) { return tensors.at(n); };
  source.where = [&](const std::string&) { return origin; };
  return load_from(module, source, options);
}

std::vector<std::pair<std::string, torch::Tensor>> module_state(const torch::nn::Module& module) {
  std::vector<std::pair<std::string, torch::Tensor>> out;
  for (const auto& item : module.named_parameters(true)) out.emplace_back(item.key(), item.value());
  for (const auto& item : module.named_buffers(true)) out.emplace_back(item.key(), item.value());
  return out;
}

}  // namespace motlab::io
