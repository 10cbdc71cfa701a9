// safetensors reader/writer (byte layout, every validation rule, a mini fuzz test), sharded
// checkpoints, weight loading with shape checks, and config.json reading.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "framework/core/error.h"
#include "framework/io/atomic_file.h"
#include "framework/io/hf_config.h"
#include "framework/io/safetensors.h"
#include "framework/io/weight_loading.h"
#include "framework/nn/hf/qwen2_config.h"
#include "tests/support/paths.h"

using motlab::Error;
using namespace motlab::io;

namespace {

std::string le64(uint64_t n) {
  std::string out(8, '\0');
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>((n >> (8 * i)) & 0xff);
  return out;
}

// A file image from a header string and raw data.
std::string image(const std::string& header, const std::string& data) {
  return le64(header.size()) + header + data;
}

std::string write_bytes(const std::string& dir, const std::string& name, const std::string& bytes) {
  const std::string path = dir + "/" + name;
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

std::string float_bytes(std::vector<float> values) {
  return std::string(reinterpret_cast<const char*>(values.data()), values.size() * 4);
}

// Expects open() to throw motlab::Error whose message contains every fragment.
void expect_rejected(const std::string& path, std::vector<std::string> fragments) {
  try {
    SafetensorsFile::open(path);
    ADD_FAILURE() << "accepted " << path;
  } catch (const Error& e) {
    for (const auto& f : fragments)
      EXPECT_NE(std::string(e.what()).find(f), std::string::npos)
          << "message lacks '" << f << "': " << e.what();
  }
}

}  // namespace

TEST(Safetensors, ReadsHandWrittenFile) {
  const std::string dir = motlab::test::temp_dir("st_read");
  // bf16 1.0 = 0x3f80, 2.0 = 0x4000, -0.5 = 0xbf00 (little-endian bytes).
  const std::string bf16("\x80\x3f\x00\x40\x00\xbf", 6);
  const std::string header =
      R"({"__metadata__":{"format":"pt"},"b":{"dtype":"BF16","shape":[3],"data_offsets":[8,14]},)"
      R"("a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"s":{"dtype":"I64","shape":[],"data_offsets":[14,22]}})"
      "   ";
  std::string scalar = le64(42);
  const std::string path =
      write_bytes(dir, "x.safetensors", image(header, float_bytes({1.5f, -2.f}) + bf16 + scalar));
  auto file = SafetensorsFile::open(path);
  EXPECT_EQ(file->names(), (std::vector<std::string>{"a", "b", "s"}));
  EXPECT_EQ(file->metadata().at("format"), "pt");
  torch::Tensor a = file->tensor("a");
  EXPECT_EQ(a.scalar_type(), torch::kFloat32);
  EXPECT_TRUE(torch::equal(a, torch::tensor({1.5f, -2.f})));
  torch::Tensor b = file->tensor("b");
  EXPECT_EQ(b.scalar_type(), torch::kBFloat16);
  EXPECT_TRUE(torch::equal(b.to(torch::kFloat32), torch::tensor({1.f, 2.f, -0.5f})));
  EXPECT_TRUE(torch::equal(file->tensor("b", torch::kFloat32), torch::tensor({1.f, 2.f, -0.5f})));
  torch::Tensor s = file->tensor("s");
  EXPECT_EQ(s.dim(), 0);
  EXPECT_EQ(s.item<int64_t>(), 42);
  // A view shares the mapping, which outlives the file object.
  torch::Tensor view = file->view("b");
  file.reset();
  EXPECT_TRUE(torch::equal(view.to(torch::kFloat32), torch::tensor({1.f, 2.f, -0.5f})));
}

TEST(Safetensors, WriterLayoutMatchesReference) {
  // Sorted by dtype size (descending) then name; header padded to 8 with spaces.
  std::vector<std::pair<std::string, torch::Tensor>> tensors = {
      {"z", torch::tensor({1.f, 2.f})},
      {"h", torch::tensor({1.f}).to(torch::kFloat16)},
      {"a", torch::tensor({7}, torch::kInt64)},
      {"e", torch::zeros({0, 3})}};
  const std::string bytes = serialize_safetensors(tensors);
  const uint64_t n = static_cast<uint8_t>(bytes[0]) | (static_cast<uint8_t>(bytes[1]) << 8);
  EXPECT_EQ(n % 8, 0u);
  const std::string header = bytes.substr(8, n);
  std::string expected =
      R"({"__metadata__":{"format":"pt"},"a":{"dtype":"I64","shape":[1],"data_offsets":[0,8]},)"
      R"("e":{"dtype":"F32","shape":[0,3],"data_offsets":[8,8]},"z":{"dtype":"F32","shape":[2],"data_offsets":[8,16]},)"
      R"("h":{"dtype":"F16","shape":[1],"data_offsets":[16,18]}})";
  expected.append((8 - expected.size() % 8) % 8, ' ');
  EXPECT_EQ(header, expected);
  EXPECT_EQ(bytes.size(), 8 + n + 18);
  // Round trip through a file, all dtypes.
  const std::string dir = motlab::test::temp_dir("st_roundtrip");
  std::vector<std::pair<std::string, torch::Tensor>> all = {
      {"f32", torch::randn({3, 4})},
      {"f16", torch::randn({5}).to(torch::kFloat16)},
      {"bf16", torch::randn({2, 2, 2}).to(torch::kBFloat16)},
      {"f64", torch::randn({2}, torch::kFloat64)},
      {"i64", torch::arange(5)},
      {"i32", torch::arange(3, torch::kInt32)},
      {"u8", torch::arange(4, torch::kUInt8)},
      {"bool", torch::tensor({true, false})},
      {"scalar", torch::tensor(3.5f)},
      {"strided", torch::arange(12, torch::kFloat32).view({3, 4}).t()}};
  save_safetensors(dir + "/m.safetensors", all, {{"format", "pt"}, {"note", "x"}});
  auto file = SafetensorsFile::open(dir + "/m.safetensors");
  EXPECT_EQ(file->metadata().at("note"), "x");
  for (const auto& [name, t] : all) {
    torch::Tensor back = file->tensor(name);
    EXPECT_EQ(back.scalar_type(), t.scalar_type()) << name;
    EXPECT_TRUE(torch::equal(back, t)) << name;
  }
  EXPECT_THROW(
      save_safetensors(dir + "/d.safetensors", {{"a", torch::ones(1)}, {"a", torch::ones(1)}}),
      Error);
}

TEST(Safetensors, RejectsEveryDefectWithFileAndTensor) {
  const std::string dir = motlab::test::temp_dir("st_reject");
  const std::string data = float_bytes({1, 2, 3, 4});
  auto file = [&](const std::string& name, const std::string& header, const std::string& d) {
    return write_bytes(dir, name, image(header, d));
  };
  const std::string good =
      R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"v":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}})";
  EXPECT_NO_THROW(SafetensorsFile::open(file("good.safetensors", good, data)));
  // Truncated data: last END beyond the buffer.
  expect_rejected(file("trunc.safetensors", good, data.substr(0, 12)),
                  {"trunc.safetensors", "truncated"});
  // Trailing bytes.
  expect_rejected(file("trail.safetensors", good, data + "xx"), {"trail.safetensors", "trailing"});
  // Truncated inside the header / length field.
  expect_rejected(write_bytes(dir, "short.safetensors", image(good, data).substr(0, 30)),
                  {"short.safetensors", "truncated"});
  expect_rejected(write_bytes(dir, "tiny.safetensors", std::string("\x05\x00", 2)),
                  {"tiny.safetensors", "truncated"});
  expect_rejected(write_bytes(dir, "empty.safetensors", ""), {"empty.safetensors"});
  // Header length over the limit.
  expect_rejected(write_bytes(dir, "huge.safetensors", le64(100'000'001) + "{}"),
                  {"huge.safetensors", "limit"});
  // Not starting with '{'.
  expect_rejected(file("arr.safetensors", " " + good, data), {"arr.safetensors", "'{'"});
  // Offsets: a hole, an overlap, a lie about the size, begin > end.
  expect_rejected(
      file(
          "hole.safetensors",
          R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"v":{"dtype":"F32","shape":[1],"data_offsets":[12,16]}})",
          data),
      {"hole.safetensors", "'v'", "contiguous"});
  expect_rejected(
      file(
          "overlap.safetensors",
          R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"v":{"dtype":"F32","shape":[3],"data_offsets":[4,16]}})",
          data),
      {"overlap.safetensors", "'v'"});
  expect_rejected(
      file(
          "size.safetensors",
          R"({"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]},"v":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}})",
          data),
      {"size.safetensors", "'w'", "needs 12 bytes"});
  expect_rejected(
      file("rev.safetensors", R"({"w":{"dtype":"F32","shape":[0],"data_offsets":[8,0]}})", ""),
      {"rev.safetensors", "'w'"});
  expect_rejected(
      file("first.safetensors", R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}})", data),
      {"first.safetensors", "'w'"});
  // Unknown dtype, negative / non-integer shape, bad offsets, duplicate keys, bad metadata.
  expect_rejected(
      file("dtype.safetensors", R"({"w":{"dtype":"F33","shape":[4],"data_offsets":[0,16]}})", data),
      {"dtype.safetensors", "'w'", "F33"});
  expect_rejected(
      file("neg.safetensors", R"({"w":{"dtype":"F32","shape":[-4],"data_offsets":[0,16]}})", data),
      {"neg.safetensors", "'w'", "non-negative"});
  expect_rejected(file("fshape.safetensors",
                       R"({"w":{"dtype":"F32","shape":[4.0],"data_offsets":[0,16]}})", data),
                  {"fshape.safetensors", "'w'"});
  expect_rejected(
      file("offs.safetensors", R"({"w":{"dtype":"F32","shape":[4],"data_offsets":[0]}})", data),
      {"offs.safetensors", "'w'", "data_offsets"});
  expect_rejected(
      file(
          "dup.safetensors",
          R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"w":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}})",
          data),
      {"dup.safetensors", "duplicate key 'w'"});
  expect_rejected(
      file("meta.safetensors",
           R"({"__metadata__":{"format":1},"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})",
           data),
      {"meta.safetensors", "__metadata__"});
  expect_rejected(
      file("json.safetensors", R"({"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]})", data),
      {"json.safetensors", "JSON"});
  expect_rejected(
      file("overflow.safetensors",
           R"({"w":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,16]}})", data),
      {"overflow.safetensors", "'w'"});
  // Sub-byte dtypes must fill whole bytes.
  expect_rejected(
      file("f4.safetensors", R"({"w":{"dtype":"F4","shape":[3],"data_offsets":[0,1]}})", "x"),
      {"f4.safetensors", "'w'"});
  EXPECT_NO_THROW(SafetensorsFile::open(
      file("f4ok.safetensors", R"({"w":{"dtype":"F4","shape":[4],"data_offsets":[0,2]}})", "xy")));
  // A dtype LibTorch lacks parses but cannot become a tensor.
  auto u16 = SafetensorsFile::open(
      file("u16.safetensors", R"({"w":{"dtype":"U16","shape":[2],"data_offsets":[0,4]}})", "abcd"));
  EXPECT_THROW(u16->tensor("w"), Error);
  // PyTorch pickles are refused with conversion advice.
  expect_rejected(write_bytes(dir, "pytorch_model.bin", "PK"),
                  {"pytorch_model.bin", "safetensors", "save_pretrained"});
}

// Mini fuzz test: random truncations, byte flips and digit rewrites of a small valid file must
// either load (and then read every tensor) or throw motlab::Error; nothing else, no crash.
TEST(Safetensors, FuzzedFilesNeverCrash) {
  const std::string dir = motlab::test::temp_dir("st_fuzz");
  const std::string original =
      serialize_safetensors({{"weight", torch::randn({3, 4})},
                             {"bias", torch::randn({4}).to(torch::kBFloat16)},
                             {"ids", torch::arange(3)},
                             {"half", torch::randn({2, 1}).to(torch::kFloat16)}});
  std::mt19937 rng(1234);
  int rejected = 0, accepted = 0;
  const int cases = 600;
  for (int i = 0; i < cases; ++i) {
    std::string bytes = original;
    const int kind = i % 4;
    if (kind == 0) {
      bytes.resize(std::uniform_int_distribution<size_t>(0, bytes.size() - 1)(rng));
    } else if (kind == 1) {
      const int flips = 1 + i % 3;
      for (int f = 0; f < flips; ++f) {
        size_t at = std::uniform_int_distribution<size_t>(0, bytes.size() - 1)(rng);
        bytes[at] = static_cast<char>(std::uniform_int_distribution<int>(0, 255)(rng));
      }
    } else if (kind == 2) {
      // Rewrite a digit of the header (offsets, shapes) to another digit: headers that lie.
      std::vector<size_t> digits;
      for (size_t k = 8; k < bytes.size() && k < 8 + 400; ++k)
        if (bytes[k] >= '0' && bytes[k] <= '9') digits.push_back(k);
      size_t at = digits[std::uniform_int_distribution<size_t>(0, digits.size() - 1)(rng)];
      bytes[at] = static_cast<char>('0' + std::uniform_int_distribution<int>(0, 9)(rng));
    } else {
      // Random header length field.
      uint64_t n = std::uniform_int_distribution<uint64_t>(0, bytes.size() + 64)(rng);
      if (i % 8 == 3) n = std::uniform_int_distribution<uint64_t>(0, UINT64_MAX)(rng);
      bytes.replace(0, 8, le64(n));
    }
    const std::string path = write_bytes(dir, "f" + std::to_string(i) + ".safetensors", bytes);
    try {
      auto file = SafetensorsFile::open(path);
      for (const auto& name : file->names()) {
        try {
          torch::Tensor t = file->tensor(name);
          (void)t.sum();
        } catch (const Error&) {
          // dtype without a LibTorch type
        }
      }
      ++accepted;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
      ++rejected;
    } catch (const std::exception& e) {
      ADD_FAILURE() << "case " << i << ": non-motlab exception " << e.what();
    }
    std::filesystem::remove(path);
  }
  EXPECT_EQ(accepted + rejected, cases);
  EXPECT_GT(rejected, cases / 2);
  std::cout << "[fuzz] " << cases << " corrupted files: " << rejected << " rejected, " << accepted
            << " accepted (still valid)\n";
}

TEST(Checkpoint, ShardedIndexAndFolderDiscovery) {
  const std::string dir = motlab::test::temp_dir("st_sharded");
  save_safetensors(dir + "/model-00001-of-00002.safetensors", {{"a", torch::ones({2})}});
  save_safetensors(dir + "/model-00002-of-00002.safetensors", {{"b", torch::full({3}, 2.f)}});
  motlab::write_file_atomic(
      dir + "/model.safetensors.index.json",
      R"({"metadata":{"total_size":20},"weight_map":{"a":"model-00001-of-00002.safetensors","b":"model-00002-of-00002.safetensors"}})");
  Checkpoint ckpt = Checkpoint::open(dir);
  EXPECT_EQ(ckpt.names(), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(torch::equal(ckpt.tensor("b"), torch::full({3}, 2.f)));
  EXPECT_NE(ckpt.file_of("b").find("00002"), std::string::npos);
  EXPECT_EQ(ckpt.info("a").shape, (std::vector<int64_t>{2}));
  // An index naming the wrong shard.
  motlab::write_file_atomic(dir + "/bad.safetensors.index.json",
                            R"({"weight_map":{"a":"model-00002-of-00002.safetensors"}})");
  EXPECT_THROW(Checkpoint::open(dir + "/bad.safetensors.index.json"), Error);
  // A folder with only a PyTorch pickle.
  const std::string bin = motlab::test::temp_dir("st_bin");
  motlab::write_file_atomic(bin + "/pytorch_model.bin", "PK");
  try {
    Checkpoint::open(bin);
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("pytorch_model.bin"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("safe_serialization=True"), std::string::npos);
  }
}

namespace {
struct TinyImpl : torch::nn::Module {
  TinyImpl() {
    embed = register_module("embed", torch::nn::Embedding(10, 4));
    norm = register_module("LayerNorm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({4})));
    head = register_module("head", torch::nn::Linear(4, 10));
    register_buffer("position_ids", torch::arange(8));
  }
  torch::nn::Embedding embed{nullptr};
  torch::nn::LayerNorm norm{nullptr};
  torch::nn::Linear head{nullptr};
};
}  // namespace

TEST(WeightLoading, MapsNamesAndReportsShapes) {
  const std::string dir = motlab::test::temp_dir("st_load");
  torch::Tensor e = torch::randn({10, 4});
  save_safetensors(dir + "/model.safetensors",
                   {{"distilbert.embed.weight", e},
                    {"distilbert.LayerNorm.gamma", torch::full({4}, 2.f)},
                    {"distilbert.LayerNorm.beta", torch::full({4}, 3.f)},
                    {"head.weight", torch::randn({10, 4}).to(torch::kBFloat16)},
                    {"head.bias", torch::zeros({10})},
                    {"pooler.dense.weight", torch::zeros({2, 2})}});
  TinyImpl model;
  WeightLoadSettings options;
  options.strip_prefixes = {"distilbert."};
  options.allow_unexpected = {"pooler."};
  WeightLoadReport report = load_weights(model, Checkpoint::open(dir), options);
  EXPECT_TRUE(torch::equal(model.embed->weight, e));
  EXPECT_TRUE(torch::equal(model.norm->weight, torch::full({4}, 2.f)));
  EXPECT_TRUE(torch::equal(model.norm->bias, torch::full({4}, 3.f)));
  EXPECT_EQ(model.head->weight.scalar_type(), torch::kFloat32);
  EXPECT_EQ(report.ignored, (std::vector<std::string>{"pooler.dense.weight"}));
  EXPECT_EQ(report.missing_allowed, (std::vector<std::string>{"position_ids"}));

  auto message = [&](std::map<std::string, torch::Tensor> tensors, WeightLoadSettings o) {
    try {
      TinyImpl m;
      load_weights(m, tensors, o, "dict.safetensors");
    } catch (const Error& err) {
      return std::string(err.what());
    }
    return std::string("loaded");
  };
  std::map<std::string, torch::Tensor> full = {{"embed.weight", torch::zeros({10, 4})},
                                               {"LayerNorm.weight", torch::zeros({4})},
                                               {"LayerNorm.bias", torch::zeros({4})},
                                               {"head.weight", torch::zeros({10, 4})},
                                               {"head.bias", torch::zeros({10})}};
  EXPECT_EQ(message(full, {}), "loaded");
  auto misshaped = full;
  misshaped["head.weight"] = torch::zeros({10, 5});
  std::string m = message(misshaped, {});
  EXPECT_NE(m.find("'head.weight' has shape [10, 5]"), std::string::npos) << m;
  EXPECT_NE(m.find("has shape [10, 4]"), std::string::npos) << m;
  auto missing = full;
  missing.erase("head.bias");
  m = message(missing, {});
  EXPECT_NE(m.find("missing tensor 'head.bias' (module expects shape [10])"), std::string::npos)
      << m;
  auto extra = full;
  extra["vocab_projector.bias"] = torch::zeros({3});
  m = message(extra, {});
  EXPECT_NE(m.find("unexpected tensor 'vocab_projector.bias' (shape [3]"), std::string::npos) << m;
  WeightLoadSettings allow;
  allow.allow_unexpected = {"vocab_"};
  EXPECT_NE(message(extra, allow), "loaded");  // "vocab_" is an exact name, not a prefix
  allow.allow_unexpected = {"*vocab_*"};
  EXPECT_EQ(message(extra, allow), "loaded");
  // Tied weights: the head reuses the embedding when the checkpoint lacks it.
  auto untied = full;
  untied.erase("head.weight");
  WeightLoadSettings tied;
  tied.tied = {{"head.weight", "embed.weight"}};
  EXPECT_EQ(message(untied, tied), "loaded");
}

// Qwen2's RoPE settings as transformers 4 (top-level rope_theta) and 5 (rope_parameters) write
// them; scaled RoPE is refused naming the key.
TEST(HfConfig, Qwen2RopeSettingsOfBothTransformersLayouts) {
  const std::string base =
      R"("model_type":"qwen2","vocab_size":100,"hidden_size":16,"intermediate_size":32,)"
      R"("num_hidden_layers":1,"num_attention_heads":2,"num_key_value_heads":1)";
  auto parse = [&](const std::string& extra) {
    return motlab::nn::Qwen2Config::from_hf(HfConfig::parse("{" + base + extra + "}", "q.json"));
  };
  EXPECT_DOUBLE_EQ(parse(R"(,"rope_theta":1000000.0)").rope_theta, 1e6);
  EXPECT_DOUBLE_EQ(
      parse(R"(,"rope_parameters":{"rope_type":"default","rope_theta":1000000.0})").rope_theta,
      1e6);
  EXPECT_DOUBLE_EQ(parse(R"(,"rope_scaling":null)").rope_theta, 1e4);
  EXPECT_DOUBLE_EQ(parse(R"(,"rope_scaling":{"rope_type":"default"},"rope_theta":5.0)").rope_theta,
                   5.0);
  for (const std::string bad : {R"(,"rope_scaling":{"type":"linear","factor":2})",
                                R"(,"rope_parameters":{"rope_type":"yarn","rope_theta":1000000.0})",
                                R"(,"rope_scaling":{"factor":2})"}) {
    try {
      parse(bad);
      FAIL() << "accepted " << bad;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("q.json"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("rope"), std::string::npos) << e.what();
    }
  }
}

TEST(HfConfig, TypedGettersAndErrors) {
  auto config = HfConfig::parse(
      R"({"hidden_size":1536,"rms_norm_eps":1e-06,"rope_theta":1000000.0,"tie_word_embeddings":true,
          "model_type":"qwen2","architectures":["Qwen2ForCausalLM"],"sliding_window":null,
          "max_position_embeddings":131072.0,"rope_scaling":{"type":"linear","factor":2}})",
      "/models/qwen/config.json");
  EXPECT_EQ(config.get_int("hidden_size"), 1536);
  EXPECT_EQ(config.get_int("max_position_embeddings"), 131072);
  EXPECT_DOUBLE_EQ(config.get_double("rms_norm_eps"), 1e-6);
  EXPECT_DOUBLE_EQ(config.get_double("hidden_size"), 1536.0);
  EXPECT_TRUE(config.get_bool("tie_word_embeddings"));
  EXPECT_EQ(config.get_string("model_type"), "qwen2");
  EXPECT_EQ(config.get_string_list("architectures"),
            (std::vector<std::string>{"Qwen2ForCausalLM"}));
  EXPECT_FALSE(config.has("sliding_window"));
  EXPECT_EQ(config.get_int("sliding_window", 7), 7);
  EXPECT_EQ(config.get_string("rope_scaling.type"), "linear");
  EXPECT_EQ(config.get_int("pad_token_id", -1), -1);
  auto error_of = [&](auto fn) {
    try {
      fn();
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  std::string m = error_of([&] { config.get_int("rms_norm_eps"); });
  EXPECT_NE(m.find("/models/qwen/config.json"), std::string::npos) << m;
  EXPECT_NE(m.find("'rms_norm_eps' must be an integer"), std::string::npos) << m;
  m = error_of([&] { config.get_int("num_hidden_layers"); });
  EXPECT_NE(m.find("required key 'num_hidden_layers' (an integer) is missing"), std::string::npos)
      << m;
  m = error_of([&] { config.get_bool("model_type", false); });
  EXPECT_NE(m.find("'model_type' must be true or false"), std::string::npos) << m;
  EXPECT_THROW(HfConfig::parse("{oops", "x.json"), Error);
  EXPECT_THROW(HfConfig::load(motlab::test::temp_dir("cfg_missing")), Error);
  const std::string dir = motlab::test::temp_dir("cfg_roundtrip");
  config.save(dir + "/config.json");
  EXPECT_EQ(HfConfig::load(dir).get_int("hidden_size"), 1536);
}
