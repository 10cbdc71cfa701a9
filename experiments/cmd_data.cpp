// motlab data check <dir> [--text-dir D] [--split-dir D] [--splits a,b,c] [--no-joints]
// motlab data stats <dir> [--text-dir D] [--split-dir D] [--split S]
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>

#include "experiments/cli.h"
#include "framework/core/error.h"
#include "framework/core/strings.h"
#include "framework/data/check.h"

namespace motlab::cli {
namespace {

// Parses "<dir> [--flag value]..." into the dataset root and flags.
std::map<std::string, std::string> parse(const std::vector<std::string>& args,
                                         const std::string& command, std::string* root) {
  std::map<std::string, std::string> flags;
  for (size_t k = 0; k < args.size(); ++k) {
    if (args[k] == "--no-joints") {
      flags["no-joints"] = "1";
    } else if (args[k].rfind("--", 0) == 0) {
      MOTLAB_CHECK(k + 1 < args.size(), "motlab data ", command, ": ", args[k], " needs a value");
      flags[args[k].substr(2)] = args[k + 1];
      ++k;
    } else {
      MOTLAB_CHECK(root->empty(), "motlab data ", command, ": unexpected argument '", args[k], "'");
      *root = args[k];
    }
  }
  MOTLAB_CHECK(!root->empty(), "motlab data ", command, ": give the dataset folder");
  return flags;
}

int check_command(const std::vector<std::string>& args) {
  data::CheckSettings options;
  auto flags = parse(args, "check", &options.layout.root);
  for (const auto& [key, value] : flags) {
    if (key == "text-dir")
      options.layout.text_dir = value;
    else if (key == "split-dir")
      options.layout.split_dir = value;
    else if (key == "splits")
      options.splits = split_nonempty(value, ',');
    else if (key == "no-joints")
      options.check_joints = false;
    else
      MOTLAB_FAIL("motlab data check: unknown flag --", key,
                  " (known: --text-dir, --split-dir, --splits, --no-joints)");
  }
  data::CheckReport report = data::check_dataset(options);
  std::map<std::string, int> by_kind;
  for (const auto& p : report.problems) {
    std::cout << p.file << ": " << p.kind << ": " << p.message << "\n";
    ++by_kind[p.kind];
  }
  std::cout << "checked " << report.motions_checked << " motions, " << report.captions_checked
            << " captions in " << options.layout.root << ": ";
  if (report.problems.empty()) {
    std::cout << "no problem found\n";
    return 0;
  }
  std::cout << report.problems.size() << " problem(s) (";
  bool first = true;
  for (const auto& [kind, n] : by_kind) {
    std::cout << (first ? "" : ", ") << kind << " " << n;
    first = false;
  }
  std::cout << ")\n";
  return 1;
}

int stats_command(const std::vector<std::string>& args) {
  humanml3d::Layout layout;
  auto flags = parse(args, "stats", &layout.root);
  std::vector<std::string> splits{"train", "val", "test"};
  for (const auto& [key, value] : flags) {
    if (key == "text-dir")
      layout.text_dir = value;
    else if (key == "split-dir")
      layout.split_dir = value;
    else if (key == "split")
      splits = split_nonempty(value, ',');
    else
      MOTLAB_FAIL("motlab data stats: unknown flag --", key,
                  " (known: --text-dir, --split-dir, --split)");
  }
  std::cout << std::fixed << std::setprecision(2);
  std::cout << "split      motions  captions  cap/motion  vocab  words/cap  >=15w   >=20w   "
               "dup-rate  frames(min/mean/max)\n";
  for (const auto& split : splits) {
    data::CaptionStats s =
        data::caption_stats(layout, humanml3d::read_split(layout.split_path(split)));
    std::cout << std::left << std::setw(10) << split << std::right << std::setw(8) << s.motions
              << std::setw(10) << s.captions << std::setw(12) << s.captions_per_motion
              << std::setw(7) << s.vocabulary << std::setw(11) << s.mean_words << std::setw(7)
              << 100 * s.share_at_least_15 << "%" << std::setw(7) << 100 * s.share_at_least_20
              << "%" << std::setw(9)
              << (s.captions ? 100.0 * s.duplicate_captions / s.captions : 0.0) << "%  "
              << s.min_frames << "/" << s.mean_frames << "/" << s.max_frames << "\n";
  }
  return 0;
}

}  // namespace
}  // namespace motlab::cli

MOTLAB_COMMAND(
    "data check", "validate a HumanML3D-layout dataset folder; lists every problem",
    "usage: motlab data check <dir> [--text-dir D] [--split-dir D] [--splits a,b,c]\n"
    "                         [--no-joints]\n"
    "  checks motions (new_joint_vecs/, new_joints/), captions (<text-dir>, default\n"
    "  texts/), splits and Mean/Std; prints every problem with its file; exit 1 if any\n",
    motlab::cli::check_command);
MOTLAB_COMMAND("data stats", "caption and length statistics of a HumanML3D-layout dataset",
               "usage: motlab data stats <dir> [--text-dir D] [--split-dir D] [--split S]\n"
               "  captions per motion, vocabulary, words per caption (eojeol: whitespace-\n"
               "  separated), shares of >= 15 / >= 20 words, duplicates, frame counts\n",
               motlab::cli::stats_command);
