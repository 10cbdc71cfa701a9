#include "framework/data/tmr_annotations.h"

#include <gtest/gtest.h>

#include "framework/core/error.h"
#include "framework/data/humanml3d.h"
#include "framework/io/atomic_file.h"
#include "tests/support/paths.h"

TEST(TmrAnnotations, ReadsTheRealKitMlFile) {
  MOTLAB_REQUIRE_SHARED();
  const std::string base = motlab::test::shared_dir() + "/data/kitml/";
  auto motions = motlab::data::read_tmr_annotations(base + "annotations.json");
  EXPECT_EQ(motions.size(), 5766u);
  size_t captions = 0;
  for (const auto& [id, m] : motions) captions += m.annotations.size();
  EXPECT_EQ(captions, 12164u);
  const auto& first = motions.at("00001");
  EXPECT_EQ(first.path, "KIT/4/WalkingStraightForward01_poses");
  EXPECT_DOUBLE_EQ(first.duration, 3.78);
  EXPECT_EQ(first.annotations.at(0).text, "A person is walking forwards.");
  // Every id of the official splits has annotations...
  for (const char* split : {"train", "val", "test"})
    for (const auto& id : motlab::humanml3d::read_split(base + "splits/" + split + ".txt"))
      EXPECT_TRUE(motions.count(id)) << split << " id " << id;
  // ...except 3 of the 101 ids of TMR's KIT nsim_test.txt (01639, 03532, M03532): a fact of the
  // shipped files that protocol (c) on KIT-ML has to handle.
  std::vector<std::string> missing;
  for (const auto& id : motlab::humanml3d::read_split(base + "splits/nsim_test.txt"))
    if (!motions.count(id)) missing.push_back(id);
  EXPECT_EQ(missing, (std::vector<std::string>{"01639", "03532", "M03532"}));
}

TEST(TmrAnnotations, ErrorsNameTheKeyid) {
  const std::string dir = motlab::test::temp_dir("tmr_annotations");
  motlab::write_file_atomic(dir + "/a.json",
                            R"({"x1": {"duration": 2, "annotations": [{"text": 3}]}})");
  try {
    motlab::data::read_tmr_annotations(dir + "/a.json");
    FAIL();
  } catch (const motlab::Error& e) {
    EXPECT_NE(std::string(e.what()).find("keyid 'x1'"), std::string::npos) << e.what();
  }
  motlab::write_file_atomic(dir + "/b.json", "{not json");
  EXPECT_THROW(motlab::data::read_tmr_annotations(dir + "/b.json"), motlab::Error);
}
