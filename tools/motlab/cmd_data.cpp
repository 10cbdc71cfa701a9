// motlab data check <dir> [--text-dir D] [--split-dir D] [--splits a,b,c] [--no-joints]
// motlab data stats <dir> [--text-dir D] [--split-dir D] [--split S]
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>

#include "framework/core/error.h"
#include "framework/core/strings.h"
#include "framework/data/check.h"
#include "tools/motlab/cli.h"

namespace motlab::cli {
namespace {

int check_command(CommandLine& cl) {
  data::CheckSettings options;
  bool no_joints = false;
  cl.describe(
        "  checks motions (new_joint_vecs/, new_joints/), captions (<text-dir>, default\n"
        "  texts/), splits and Mean/Std; prints every problem with its file; exit 1 if any")
      .positional("dir", &options.layout.root, "a HumanML3D-layout dataset folder")
      .text("text-dir", &options.layout.text_dir, "D", "caption folder")
      .text("split-dir", &options.layout.split_dir, "D", "folder of the split files")
      .list("splits", &options.splits, "a,b,c", "splits to check")
      .flag("no-joints", &no_joints, "skip new_joints/")
      .parse();
  options.check_joints = !no_joints;
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

int stats_command(CommandLine& cl) {
  humanml3d::Layout layout;
  std::vector<std::string> splits{"train", "val", "test"};
  cl.describe(
        "  captions per motion, vocabulary, words per caption (eojeol: whitespace-\n"
        "  separated), shares of >= 15 / >= 20 words, duplicates, frame counts")
      .positional("dir", &layout.root, "a HumanML3D-layout dataset folder")
      .text("text-dir", &layout.text_dir, "D", "caption folder")
      .text("split-dir", &layout.split_dir, "D", "folder of the split files")
      .list("split", &splits, "a,b,c", "splits to describe")
      .parse();
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

MOTLAB_COMMAND("data check", "validate a HumanML3D-layout dataset folder; lists every problem",
               motlab::cli::check_command);
MOTLAB_COMMAND("data stats", "caption and length statistics of a HumanML3D-layout dataset",
               motlab::cli::stats_command);
