// Learning-rate schedule values, computed by hand.
#include <gtest/gtest.h>

#include <cmath>

#include "framework/core/error.h"
#include "framework/train/schedule.h"

using motlab::train::lr_factor;
using motlab::train::ScheduleSettings;

TEST(Schedule, ConstantWithWarmup) {
  ScheduleSettings s;
  s.warmup_steps = 4;
  EXPECT_DOUBLE_EQ(lr_factor(s, 0), 0.25);
  EXPECT_DOUBLE_EQ(lr_factor(s, 1), 0.5);
  EXPECT_DOUBLE_EQ(lr_factor(s, 3), 1.0);
  EXPECT_DOUBLE_EQ(lr_factor(s, 4), 1.0);
  EXPECT_DOUBLE_EQ(lr_factor(s, 1000), 1.0);
  s.warmup_steps = 0;
  EXPECT_DOUBLE_EQ(lr_factor(s, 0), 1.0);
}

TEST(Schedule, CosineWithWarmupAndFloor) {
  ScheduleSettings s;
  s.kind = "cosine";
  s.warmup_steps = 2;
  s.total_steps = 12;  // 10 decay steps after warm-up
  s.min_lr_ratio = 0.1;
  EXPECT_DOUBLE_EQ(lr_factor(s, 0), 0.5);
  EXPECT_DOUBLE_EQ(lr_factor(s, 1), 1.0);
  EXPECT_DOUBLE_EQ(lr_factor(s, 2), 1.0);                // p = 0
  EXPECT_NEAR(lr_factor(s, 7), 0.1 + 0.9 * 0.5, 1e-12);  // p = 0.5: cos = 0
  // p = 0.2: cos(pi/5) = (1 + sqrt 5) / 4, so the factor is 0.1 + 0.9 * 0.904508497187...
  EXPECT_NEAR(lr_factor(s, 4), 0.1 + 0.9 * (1 + (1 + std::sqrt(5.0)) / 4) / 2, 1e-12);
  EXPECT_NEAR(lr_factor(s, 4), 0.914057647468726, 1e-12);
  EXPECT_NEAR(lr_factor(s, 12), 0.1, 1e-12);  // p = 1
  EXPECT_NEAR(lr_factor(s, 50), 0.1, 1e-12);  // clamped after the end
}

TEST(Schedule, RejectsUnknownKind) {
  ScheduleSettings s;
  s.kind = "linear";
  EXPECT_THROW(motlab::train::validate(s, "trainer"), motlab::Error);
  s.kind = "cosine";
  s.min_lr_ratio = 2;
  EXPECT_THROW(motlab::train::validate(s, "trainer"), motlab::Error);
}
