// Multirun expansion, as Hydra's BasicSweeper: config sweep params first, then the command line
// (which replaces a config param of the same key), Cartesian product with the last key fastest.
#include "framework/config/compose.h"
#include "framework/config/overrides.h"
#include "framework/core/error.h"
#include "framework/core/strings.h"

namespace motlab {
namespace {

struct SweepAxis {
  std::string key;                  // override key including +/~ prefix and @package
  std::vector<std::string> values;  // full override texts, one per value
};

std::string axis_key(const Override& o) {
  std::string prefix = o.kind == Override::Kind::kForce    ? "++"
                       : o.kind == Override::Kind::kAppend ? "+"
                       : o.kind == Override::Kind::kDelete ? "~"
                                                           : "";
  return prefix + o.key_text();
}

}  // namespace

std::vector<std::vector<std::string>> expand_sweep(const std::vector<std::string>& overrides,
                                                   const Config& sweep_params, bool multirun) {
  std::vector<SweepAxis> axes;
  auto add_axis = [&](const Override& o) {
    SweepAxis axis;
    axis.key = axis_key(o);
    for (const auto& value : o.sweep_values()) axis.values.push_back(o.with_value(value));
    // An empty range gives no jobs, as in Hydra ("Launching 0 jobs").
    MOTLAB_CHECK(!axis.values.empty() || trim(o.value_text).rfind("range(", 0) == 0, "sweep '",
                 o.text, "' has no values");
    for (auto& existing : axes) {
      if (existing.key == axis.key) {  // the command line takes precedence, keeping the position
        existing.values = axis.values;
        return;
      }
    }
    axes.push_back(axis);
  };

  if (!sweep_params.is_null()) {
    MOTLAB_CHECK(sweep_params.is_dict(), sweep_params.describe(),
                 ": sweep params must be a mapping of key -> values");
    for (const auto& [key, values] : sweep_params.items()) {
      std::string text;
      if (values.is_list()) {
        for (size_t k = 0; k < values.size(); ++k) {
          Config v = values.at(k);
          std::string item =
              v.kind() == Config::Kind::kString ? "'" + v.as_string() + "'" : v.scalar_text();
          text += (k ? "," : "") + item;
        }
      } else {
        MOTLAB_CHECK(values.is_scalar(), values.describe(),
                     ": sweep values must be a comma list string or a list");
        text = values.scalar_text();
      }
      Override o = parse_override(key + "=" + text);
      MOTLAB_CHECK(multirun, values.describe(),
                   ": sweep params are only used with --multirun (-m)");
      add_axis(o);
    }
  }
  std::vector<Override> parsed;
  for (const auto& text : overrides) {
    Override o = parse_override(text);
    if (o.is_sweep()) {
      if (!multirun) o.value();  // throws Hydra's "Ambiguous value" error
      add_axis(o);
    } else {
      SweepAxis fixed;
      fixed.key = axis_key(o);
      fixed.values = {text};
      bool replaced = false;
      for (auto& existing : axes) {
        if (existing.key == fixed.key) {
          existing.values = fixed.values;
          replaced = true;
        }
      }
      if (!replaced) axes.push_back(fixed);
    }
  }
  // The job count is checked before the jobs are built: a product of large ranges would allocate
  // until the process dies.
  uint64_t count = 1;
  std::string sizes;
  bool overflow = false;
  for (const auto& axis : axes) {
    overflow = overflow || __builtin_mul_overflow(count, axis.values.size(), &count);
    if (axis.values.size() > 1)
      sizes +=
          (sizes.empty() ? "" : " x ") + std::to_string(axis.values.size()) + " (" + axis.key + ")";
  }
  MOTLAB_CHECK(!overflow && count <= kMaxSweepJobs, "the sweep has ", sizes, " = ",
               overflow ? std::string("more than 2^64") : std::to_string(count),
               " jobs, more than the ", kMaxSweepJobs,
               " one sweep may have: narrow a range or split the sweep");
  std::vector<std::vector<std::string>> jobs{{}};
  for (const auto& axis : axes) {
    std::vector<std::vector<std::string>> next;
    for (const auto& job : jobs) {
      for (const auto& value : axis.values) {
        std::vector<std::string> extended = job;
        extended.push_back(value);
        next.push_back(std::move(extended));
      }
    }
    jobs = std::move(next);
  }
  return jobs;
}

}  // namespace motlab
