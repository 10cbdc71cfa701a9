// `motlab data check` on a small dataset the test writes itself, then on copies with one planted
// defect each: every defect must be reported with its kind and its file.
#include "framework/data/check.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "framework/core/error.h"
#include "framework/data/npy.h"
#include "framework/io/atomic_file.h"
#include "tests/support/paths.h"
#include "tests/support/tiny_dataset.h"

namespace fs = std::filesystem;
using motlab::write_file_atomic;

namespace {

void write_dataset(const std::string& root) { motlab::test::write_tiny_dataset(root); }

motlab::data::CheckReport check(const std::string& root) {
  motlab::data::CheckSettings options;
  options.layout.root = root;
  return motlab::data::check_dataset(options);
}

struct Defect {
  const char* kind;
  const char* file;  // the reported file must contain this
  std::function<void(const std::string&)> plant;
};

}  // namespace

TEST(DataCheck, CleanDatasetHasNoProblem) {
  const std::string root = motlab::test::temp_dir("check_clean");
  write_dataset(root);
  motlab::data::CheckReport report = check(root);
  for (const auto& p : report.problems)
    ADD_FAILURE() << p.file << ": " << p.kind << ": " << p.message;
  EXPECT_EQ(report.motions_checked, 6);
  EXPECT_EQ(report.captions_checked, 12);
  std::string out;
  EXPECT_EQ(
      motlab::test::run_command(motlab::test::motlab_executable() + " data check " + root, &out), 0)
      << out;
  EXPECT_NE(out.find("no problem found"), std::string::npos) << out;
}

TEST(DataCheck, ReportsEveryPlantedDefectWithItsFile) {
  const std::vector<Defect> defects = {
      {"missing_motion", "new_joint_vecs/000002.npy",
       [](const std::string& r) { fs::remove(r + "/new_joint_vecs/000002.npy"); }},
      {"unreadable", "new_joint_vecs/000003.npy",
       [](const std::string& r) {
         write_file_atomic(r + "/new_joint_vecs/000003.npy", "garbage");
       }},
      {"bad_shape", "new_joint_vecs/000004.npy",
       [](const std::string& r) {
         motlab::npy::save(r + "/new_joint_vecs/000004.npy", torch::zeros({50, 100}));
       }},
      {"bad_dtype", "new_joint_vecs/000005.npy",
       [](const std::string& r) {
         motlab::npy::save(r + "/new_joint_vecs/000005.npy",
                           torch::zeros({50, 263}, torch::kFloat64));
       }},
      {"nan_inf", "new_joint_vecs/000001.npy",
       [](const std::string& r) {
         torch::Tensor t = torch::zeros({50, 263});
         t[3][7] = std::numeric_limits<float>::quiet_NaN();
         motlab::npy::save(r + "/new_joint_vecs/000001.npy", t);
       }},
      {"empty_caption", "texts/000002.txt:2",
       [](const std::string& r) {
         write_file_atomic(r + "/texts/000002.txt", "a person walks#x#0.0#0.0\n#tok#0.0#0.0\n");
       }},
      {"malformed_caption", "texts/000003.txt:1",
       [](const std::string& r) {
         write_file_atomic(r + "/texts/000003.txt", "only a caption\n");
       }},
      {"timestamp_outside", "texts/000004.txt:1",
       [](const std::string& r) {
         write_file_atomic(r + "/texts/000004.txt", "a person walks#x#1.0#99.0\n");
       }},
      {"missing_captions", "texts/000005.txt",
       [](const std::string& r) { fs::remove(r + "/texts/000005.txt"); }},
      {"no_captions", "texts/000001.txt",
       [](const std::string& r) { write_file_atomic(r + "/texts/000001.txt", "\n\n"); }},
      {"duplicate_split_id", "train.txt",
       [](const std::string& r) {
         write_file_atomic(r + "/train.txt", "000001\n000001\n000002\n");
       }},
      {"split_overlap", "test.txt",
       [](const std::string& r) { write_file_atomic(r + "/test.txt", "000004\n000001\n"); }},
      {"missing_split", "val.txt", [](const std::string& r) { fs::remove(r + "/val.txt"); }},
      {"zero_std", "Std.npy",
       [](const std::string& r) {
         torch::Tensor s = torch::ones({263});
         s[10] = 0;
         motlab::npy::save(r + "/Std.npy", s);
       }},
      {"missing_statistics", "Mean.npy", [](const std::string& r) { fs::remove(r + "/Mean.npy"); }},
      {"frame_mismatch", "new_joints/000002.npy",
       [](const std::string& r) {
         motlab::npy::save(r + "/new_joints/000002.npy", torch::zeros({5, 22, 3}));
       }},
      {"orphan_motion", "new_joint_vecs/999999.npy",
       [](const std::string& r) {
         motlab::npy::save(r + "/new_joint_vecs/999999.npy", torch::zeros({50, 263}));
       }},
  };
  EXPECT_GE(defects.size(), 10u);
  for (const Defect& defect : defects) {
    const std::string root = motlab::test::temp_dir(std::string("check_") + defect.kind);
    write_dataset(root);
    defect.plant(root);
    motlab::data::CheckReport report = check(root);
    bool found = false;
    for (const auto& p : report.problems)
      found |= p.kind == defect.kind && p.file.find(defect.file) != std::string::npos;
    EXPECT_TRUE(found) << "defect '" << defect.kind << "' in " << defect.file << " not reported";
    std::string out;
    EXPECT_EQ(
        motlab::test::run_command(motlab::test::motlab_executable() + " data check " + root, &out),
        1)
        << defect.kind;
    EXPECT_NE(out.find(defect.kind), std::string::npos) << out;
  }
}

TEST(CaptionLines, HumanML3DSemantics) {
  auto line = motlab::humanml3d::parse_caption_line("walk#w/VERB#1.0#2.5", "t:1");
  EXPECT_EQ(line.frames(100, 20.0), (std::pair<int64_t, int64_t>{20, 50}));
  // Reversed times are an error naming the line, not silently swapped.
  try {
    motlab::humanml3d::parse_caption_line("walk#w/VERB#2.5#1.0", "t:9");
    FAIL() << "reversed times were accepted";
  } catch (const motlab::Error& e) {
    EXPECT_NE(std::string(e.what()).find("t:9: start time 2.5 s is after end time 1 s"),
              std::string::npos)
        << e.what();
  }
  // HumanML3D's "start#0.0" (an end of 0 after a start) selects nothing, as in its code.
  EXPECT_EQ(motlab::humanml3d::parse_caption_line("walk#w#2.5#0.0", "t:4").frames(100, 20.0).second,
            0);
  auto whole = motlab::humanml3d::parse_caption_line("walk#w#nan#nan", "t:2");
  EXPECT_TRUE(whole.whole());
  EXPECT_EQ(whole.frames(100, 20.0), (std::pair<int64_t, int64_t>{0, 100}));
  EXPECT_THROW(motlab::humanml3d::parse_caption_line("walk#w#x#1", "t:3"), motlab::Error);
  // Found by fuzz/caption_fuzz.cpp: a time of 2.6e21 s overflowed the frame index (UB).
  EXPECT_THROW(motlab::humanml3d::parse_caption_line("walk#w#0.5#2666666666666666666666.0", "t:5"),
               motlab::Error);
}

TEST(DataStats, CountsWordsAndDuplicates) {
  const std::string root = motlab::test::temp_dir("stats");
  write_dataset(root);
  motlab::humanml3d::Layout layout;
  layout.root = root;
  motlab::data::CaptionStats s = motlab::data::caption_stats(layout, {"000001", "000002"});
  EXPECT_EQ(s.motions, 2);
  EXPECT_EQ(s.captions, 4);
  EXPECT_EQ(s.duplicate_captions, 2);  // both files hold the same two captions
  EXPECT_EQ(s.vocabulary, 7);          // a person walks forward someone jumps twice
  EXPECT_DOUBLE_EQ(s.mean_words, 3.5);
  EXPECT_EQ(s.min_frames, 60);
  EXPECT_EQ(s.max_frames, 70);
}
