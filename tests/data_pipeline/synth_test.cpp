// The procedural dataset (framework/data/synth): a small dataset passes `data check`, is
// deterministic per seed and independent of the thread count, its features recover to its
// joints, mirrors are mirrored, captions vary, and every action primitive animates.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "framework/core/error.h"
#include "framework/data/check.h"
#include "framework/data/features.h"
#include "framework/data/joints_to_features.h"
#include "framework/data/npy.h"
#include "framework/data/synth/actions.h"
#include "framework/data/synth/captions.h"
#include "framework/data/synth/generator.h"
#include "framework/data/synth/render.h"
#include "framework/io/atomic_file.h"
#include "tests/support/paths.h"

namespace {
namespace fs = std::filesystem;
using namespace motlab;

synth::SynthSettings small_options(int threads) {
  synth::SynthSettings o;
  o.motions = 24;
  o.seed = 7;
  o.threads = threads;
  return o;
}

std::string generated(const std::string& name, int threads) {
  const std::string dir = test::temp_dir(name) + "/data";
  synth::generate_synth_dataset(dir, small_options(threads), /*overwrite=*/true);
  return dir;
}

TEST(Synth, SmallDatasetPassesTheChecker) {
  const std::string dir = generated("synth_check", 2);
  data::CheckSettings options;
  options.layout.root = dir;
  options.layout.text_dir = "texts_ko";
  const auto report = data::check_dataset(options);
  for (const auto& p : report.problems)
    ADD_FAILURE() << p.kind << " " << p.file << ": " << p.message;
  EXPECT_EQ(report.motions_checked, 48);  // 24 originals + 24 mirrors
  options.layout.text_dir = "texts";      // the English source captions
  EXPECT_TRUE(data::check_dataset(options).problems.empty());
  EXPECT_FALSE(fs::exists(dir + ".partial"));
}

TEST(Synth, DeterministicPerSeedAndIndependentOfThreads) {
  const std::string a = generated("synth_det_a", 1), b = generated("synth_det_b", 2);
  for (const auto& entry : fs::recursive_directory_iterator(a)) {
    if (!entry.is_regular_file()) continue;
    const std::string relative = fs::relative(entry.path(), a).string();
    ASSERT_TRUE(file_exists(b + "/" + relative)) << relative;
    EXPECT_EQ(read_file(entry.path().string()), read_file(b + "/" + relative)) << relative;
  }
  synth::SynthSettings other = small_options(2);
  other.seed = 8;
  const std::string c = test::temp_dir("synth_det_c") + "/data";
  synth::generate_synth_dataset(c, other, true);
  EXPECT_NE(read_file(a + "/texts_ko/000000.txt"), read_file(c + "/texts_ko/000000.txt"));
}

TEST(Synth, FeaturesRecoverTheJointsAndMirrorsAreMirrored) {
  const std::string dir = generated("synth_features", 2);
  const torch::Tensor features = npy::load(dir + "/new_joint_vecs/000003.npy");
  const torch::Tensor joints = npy::load(dir + "/new_joints/000003.npy");
  ASSERT_EQ(features.size(1), 263);
  ASSERT_EQ(joints.sizes(), (std::vector<int64_t>{features.size(0), 22, 3}));
  EXPECT_GE(features.size(0), 40);
  EXPECT_LE(features.size(0), 196);
  EXPECT_LT((features::recover_from_ric(features) - joints).abs().max().item<double>(), 1e-4);
  const torch::Tensor mirror = npy::load(dir + "/new_joints/M000003.npy");
  ASSERT_EQ(mirror.sizes(), joints.sizes());
  // Mirroring negates x of the swapped joint: left hip (1) of the mirror = right hip (2) of the
  // original, up to the retargeting: HumanML3D's example skeleton (which every motion is
  // retargeted to) has left and right bones a few millimetres apart.
  EXPECT_LT((mirror.select(1, 1).select(1, 0) + joints.select(1, 2).select(1, 0))
                .abs()
                .max()
                .item<double>(),
            1.5e-2);
  EXPECT_LT((mirror.select(1, 1).select(1, 1) - joints.select(1, 2).select(1, 1))
                .abs()
                .max()
                .item<double>(),
            1.5e-2);
}

TEST(Synth, EveryActionAnimatesWithinTheSkeleton) {
  ASSERT_GE(synth::actions().size(), 30u);
  for (const auto& spec : synth::actions()) {
    synth::Rng rng = synth::Rng::stream(3, 0);
    synth::Action action;
    action.spec = &spec;
    spec.sample(rng, action.params);
    const torch::Tensor joints = synth::animate_sequence({action}, 0.2, 0.2, 20.0);
    ASSERT_EQ(joints.size(1), 22) << spec.key;
    EXPECT_TRUE(torch::isfinite(joints).all().item<bool>()) << spec.key;
    // Something moves, and the body stays on or above the ground.
    EXPECT_GT((joints - joints[0]).abs().max().item<double>(), 0.05) << spec.key;
    EXPECT_GE(joints.select(2, 1).min().item<double>(), -1e-9) << spec.key;
    const torch::Tensor features = features::joints_to_features(joints);
    EXPECT_TRUE(torch::isfinite(features).all().item<bool>()) << spec.key;
  }
}

TEST(Synth, CaptionsVaryAndLongSequencesGetLongCaptions) {
  synth::Rng pick = synth::Rng::stream(11, 0);
  std::vector<synth::Action> sequence;
  for (const char* key : {"walk", "turn", "jump", "wave"}) {
    synth::Action a;
    a.spec = &synth::action(key);
    a.spec->sample(pick, a.params);
    sequence.push_back(a);
  }
  std::set<std::string> korean;
  size_t longest = 0;
  for (int k = 0; k < 20; ++k) {
    synth::Rng rng = synth::Rng::stream(5, static_cast<uint64_t>(k));
    const auto caption = synth::caption_ko(sequence, rng);
    korean.insert(caption.text);
    size_t words = 1;
    for (char c : caption.text) words += c == ' ';
    longest = std::max(longest, words);
  }
  EXPECT_GE(korean.size(), 15u);  // 20 draws, (almost) all different
  EXPECT_GE(longest, 15u);
  EXPECT_THROW(synth::action("moonwalk"), Error);
}

TEST(Synth, KoreanConjugation) {
  EXPECT_EQ(synth::korean::declarative("걷"), "걷는다");
  EXPECT_EQ(synth::korean::declarative("뛰"), "뛴다");
  EXPECT_EQ(synth::korean::with_object_particle("팔"), "팔을");
  EXPECT_EQ(synth::korean::with_object_particle("다리"), "다리를");
}

TEST(Synth, RenderIsAnSvgWithTheCaption) {
  const std::string dir = generated("synth_render", 2);
  const torch::Tensor joints = npy::load(dir + "/new_joints/000001.npy");
  const std::string svg = synth::render_svg(joints, {"000001: 사람이 걷는다"});
  EXPECT_EQ(svg.rfind("<svg", 0) == 0 || svg.rfind("<?xml", 0) == 0, true);
  EXPECT_NE(svg.find("사람이 걷는다"), std::string::npos);
  EXPECT_NE(svg.find("</svg>"), std::string::npos);
}

TEST(Synth, RefusesANonEmptyFolderAndBadOptions) {
  const std::string dir = test::temp_dir("synth_refuse") + "/data";
  make_dirs(dir);
  write_file_atomic(dir + "/keep.txt", "user data\n");
  EXPECT_THROW(synth::generate_synth_dataset(dir, small_options(1)), Error);
  EXPECT_EQ(read_file(dir + "/keep.txt"), "user data\n");  // nothing lost
  EXPECT_THROW(synth::ensure_synth_dataset(dir, small_options(1)), Error);
  synth::SynthSettings bad = small_options(1);
  bad.languages = {"fr"};
  EXPECT_THROW(synth::generate_synth_dataset(test::temp_dir("synth_bad") + "/d", bad), Error);
}

}  // namespace
