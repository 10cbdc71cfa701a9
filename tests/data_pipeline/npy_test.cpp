#include "framework/data/npy.h"

#include <gtest/gtest.h>

#include <fstream>

#include "framework/core/error.h"
#include "framework/io/atomic_file.h"
#include "tests/support/paths.h"

namespace {
std::string error_of(const std::string& path) {
  try {
    motlab::npy::load(path);
  } catch (const motlab::Error& e) {
    return e.what();
  }
  return "<no error>";
}

// A minimal .npy with a hand-written header (so the reader is checked against NumPy's format,
// not only against our own writer).
void write_raw(const std::string& path, const std::string& dict, const std::string& data,
               char version = 1) {
  std::string header = dict;
  size_t prefix = version == 1 ? 10 : 12;
  header += std::string((64 - (prefix + header.size() + 1) % 64) % 64, ' ') + "\n";
  std::string out("\x93NUMPY", 6);
  out += version;
  out += '\0';
  if (version == 1) {
    out += char(header.size() & 0xff);
    out += char(header.size() >> 8);
  } else {
    for (int k = 0; k < 4; ++k) out += char((header.size() >> (8 * k)) & 0xff);
  }
  out += header + data;
  motlab::write_file_atomic(path, out);
}
}  // namespace

TEST(Npy, RoundTripsDtypesAndShapes) {
  const std::string dir = motlab::test::temp_dir("npy");
  for (auto dtype : {torch::kFloat32, torch::kFloat64, torch::kInt64, torch::kInt32}) {
    torch::Tensor t = (torch::rand({3, 4, 5}) * 100).to(dtype);
    motlab::npy::save(dir + "/a.npy", t);
    torch::Tensor back = motlab::npy::load(dir + "/a.npy");
    EXPECT_EQ(back.scalar_type(), dtype);
    EXPECT_TRUE(torch::equal(back, t));
  }
  motlab::npy::save(dir + "/v.npy", torch::arange(7, torch::kFloat32));
  EXPECT_EQ(motlab::npy::read_header(dir + "/v.npy").shape, (std::vector<int64_t>{7}));
  motlab::npy::save(dir + "/s.npy", torch::tensor(3.5f));
  EXPECT_EQ(motlab::npy::load(dir + "/s.npy").dim(), 0);
}

TEST(Npy, ReadsVersion2HeadersAndRejectsBadFiles) {
  const std::string dir = motlab::test::temp_dir("npy_bad");
  std::string four_floats(16, '\0');
  write_raw(dir + "/v2.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }",
            four_floats, 2);
  EXPECT_EQ(motlab::npy::load(dir + "/v2.npy").sizes(), (std::vector<int64_t>{2, 2}));
  write_raw(dir + "/fortran.npy", "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }",
            four_floats);
  EXPECT_NE(error_of(dir + "/fortran.npy").find("Fortran-order"), std::string::npos);
  write_raw(dir + "/big.npy", "{'descr': '>f4', 'fortran_order': False, 'shape': (2, 2), }",
            four_floats);
  EXPECT_NE(error_of(dir + "/big.npy").find("big-endian"), std::string::npos);
  write_raw(dir + "/u1.npy", "{'descr': '|u1', 'fortran_order': False, 'shape': (16,), }",
            four_floats);
  EXPECT_NE(error_of(dir + "/u1.npy").find("unsupported dtype '|u1'"), std::string::npos);
  write_raw(dir + "/short.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }",
            four_floats);
  std::string short_error = error_of(dir + "/short.npy");
  EXPECT_NE(short_error.find("truncated data"), std::string::npos) << short_error;
  EXPECT_NE(short_error.find("short.npy"), std::string::npos) << short_error;
  motlab::write_file_atomic(dir + "/text.npy", "hello");
  EXPECT_NE(error_of(dir + "/text.npy").find("not a .npy file"), std::string::npos);
  EXPECT_NE(error_of(dir + "/absent.npy").find("cannot open"), std::string::npos);
}

TEST(Npy, ReadsTheRealReferenceFiles) {
  MOTLAB_REQUIRE_SHARED();
  const std::string base = motlab::test::shared_dir() + "/data/humanml3d/";
  EXPECT_EQ(motlab::npy::load(base + "Mean.npy").sizes(), (std::vector<int64_t>{263}));
  torch::Tensor std_ = motlab::npy::load(base + "Std.npy");
  EXPECT_NEAR(std_[0].item<float>(), 0.0128f, 1e-4);  // group-averaged std of the root rotation
  torch::Tensor skeleton = motlab::npy::load(base + "skeleton_example_h3d.npy");
  EXPECT_EQ(skeleton.scalar_type(), torch::kFloat64);
  EXPECT_EQ(skeleton.sizes(), (std::vector<int64_t>{52, 3}));
}
