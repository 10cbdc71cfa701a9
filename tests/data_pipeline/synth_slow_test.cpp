// The built-in dataset at its default size (slow label): `motlab data synth` writes it in under a
// minute, `motlab data check` finds no problem, and the Korean test captions are long enough for
// protocol (e): at least 15% with >= 15 words and 5% with >= 20 (eojeol).
#include <gtest/gtest.h>

#include <chrono>

#include "framework/data/check.h"
#include "framework/data/humanml3d.h"
#include "tests/support/paths.h"

TEST(SynthDefault, GeneratesInUnderAMinuteChecksCleanAndHasLongCaptions) {
  const std::string dir = motlab::test::temp_dir("synth_default") + "/data";
  const auto start = std::chrono::steady_clock::now();
  std::string output;
  ASSERT_EQ(
      motlab::test::run_command(
          motlab::test::motlab_executable() + " data synth --out " + dir + " --force", &output),
      0)
      << output;
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("data synth (default size): %.1f s\n", seconds);
  EXPECT_LT(seconds, 60);
  ASSERT_EQ(motlab::test::run_command(
                motlab::test::motlab_executable() + " data check " + dir + " --text-dir texts_ko",
                &output),
            0)
      << output;
  motlab::humanml3d::Layout layout;
  layout.root = dir;
  layout.text_dir = "texts_ko";
  const auto test_ids = motlab::humanml3d::read_split(layout.split_path("test"));
  const auto stats = motlab::data::caption_stats(layout, test_ids);
  std::printf(
      "test: %lld motions, %lld captions, vocabulary %lld, >=15 words %.1f%%, >=20 %.1f%%\n",
      static_cast<long long>(stats.motions), static_cast<long long>(stats.captions),
      static_cast<long long>(stats.vocabulary), 100 * stats.share_at_least_15,
      100 * stats.share_at_least_20);
  EXPECT_GE(stats.motions, 500);
  EXPECT_GE(stats.share_at_least_15, 0.15);
  EXPECT_GE(stats.share_at_least_20, 0.05);
  EXPECT_GE(stats.captions_per_motion, 2.0);
  EXPECT_LE(stats.captions_per_motion, 4.0);
}
