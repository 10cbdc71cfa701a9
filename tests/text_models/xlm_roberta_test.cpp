// XLM-RoBERTa (framework/nn/hf/xlm_roberta.h) and the e5 components on a tiny random model in the
// HF folder layout with a SentencePiece tokenizer motlab trains itself:
//  - the loaded backbone equals a second, plain-tensor implementation of the spec's forward pass
//    (fairseq positions, additive finfo.min mask, erf GELU, post-LN) written from the checkpoint's
//    tensors, also for a "roberta."-prefixed checkpoint with a pooler;
//  - a missing or mis-shaped tensor is an error naming it (and both shapes);
//  - text_similarity `e5` = mean pooling over "<s> query: x </s>" + L2 norm, independent of batch
//    size, padding and input order; text_encoder `e5` caches the frozen embeddings and trains only
//    its Linear.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <limits>

#include "framework/core/error.h"
#include "framework/io/hf_config.h"
#include "framework/io/safetensors.h"
#include "framework/io/weight_loading.h"
#include "framework/model/interfaces.h"
#include "framework/nn/hf/backbone.h"
#include "framework/nn/hf/xlm_roberta.h"
#include "framework/text/tokenizer.h"
#include "framework/text/tokenizer_training.h"
#include "tests/support/paths.h"
#include "tests/text/korean_corpus.h"

namespace {
using namespace motlab;
namespace fs = std::filesystem;
using TensorMap = std::map<std::string, torch::Tensor>;

nn::XlmRobertaConfig tiny(int64_t vocab_size = 60) {
  nn::XlmRobertaConfig c;
  c.vocab_size = vocab_size;
  c.hidden_size = 32;
  c.num_hidden_layers = 2;
  c.num_attention_heads = 4;
  c.intermediate_size = 48;
  c.max_position_embeddings = 40;
  return c;
}

// Every tensor random (LayerNorm weights near 1, so that every term of the forward matters).
TensorMap random_state(const nn::XlmRobertaConfig& config, uint64_t seed) {
  torch::manual_seed(seed);
  nn::XlmRoberta model(config);
  TensorMap state;
  for (const auto& [name, tensor] : io::module_state(*model)) {
    const bool norm_weight = name.find("LayerNorm.weight") != std::string::npos;
    state[name] =
        norm_weight ? 1 + 0.1 * torch::randn(tensor.sizes()) : 0.1 * torch::randn(tensor.sizes());
  }
  return state;
}

void write_folder(const std::string& dir, const nn::XlmRobertaConfig& config,
                  const TensorMap& state, const std::string& prefix = "") {
  std::vector<std::pair<std::string, torch::Tensor>> named;
  for (const auto& [name, tensor] : state) named.emplace_back(prefix + name, tensor);
  io::save_safetensors(dir + "/model.safetensors", named);
  io::HfConfig::from_json(config.to_json(), dir + "/config.json").save(dir + "/config.json");
}

// The spec's forward pass (shared/specs/models.md 5.2) on raw tensors, one op at a time.
torch::Tensor reference_forward(const TensorMap& w, const nn::XlmRobertaConfig& c,
                                const torch::Tensor& ids, const torch::Tensor& mask) {
  auto layer_norm = [&](const torch::Tensor& x, const std::string& name) {
    torch::Tensor mean = x.mean(-1, true);
    torch::Tensor var = (x - mean).pow(2).mean(-1, true);
    return (x - mean) / torch::sqrt(var + c.layer_norm_eps) * w.at(name + ".weight") +
           w.at(name + ".bias");
  };
  auto linear = [&](const torch::Tensor& x, const std::string& name) {
    return torch::matmul(x, w.at(name + ".weight").t()) + w.at(name + ".bias");
  };
  const int64_t batch = ids.size(0), length = ids.size(1), hidden = c.hidden_size,
                heads = c.num_attention_heads, d = hidden / heads;
  torch::Tensor positions = torch::full_like(ids, c.pad_token_id);
  for (int64_t b = 0; b < batch; ++b) {
    int64_t seen = 0;
    for (int64_t t = 0; t < length; ++t)
      if (ids[b][t].item<int64_t>() != c.pad_token_id) positions[b][t] = c.pad_token_id + (++seen);
  }
  torch::Tensor h = w.at("embeddings.word_embeddings.weight").index({ids}) +
                    w.at("embeddings.position_embeddings.weight").index({positions}) +
                    w.at("embeddings.token_type_embeddings.weight")[0];
  h = layer_norm(h, "embeddings.LayerNorm");
  torch::Tensor additive = (1 - mask.to(torch::kFloat)) * std::numeric_limits<float>::lowest();
  additive = additive.view({batch, 1, 1, length});
  for (int64_t layer = 0; layer < c.num_hidden_layers; ++layer) {
    const std::string p = "encoder.layer." + std::to_string(layer) + ".";
    auto heads_of = [&](const torch::Tensor& t) {
      return t.view({batch, length, heads, d}).permute({0, 2, 1, 3});
    };
    torch::Tensor q = heads_of(linear(h, p + "attention.self.query"));
    torch::Tensor k = heads_of(linear(h, p + "attention.self.key"));
    torch::Tensor v = heads_of(linear(h, p + "attention.self.value"));
    torch::Tensor probs =
        torch::softmax(torch::matmul(q, k.transpose(-1, -2)) / std::sqrt(double(d)) + additive, -1);
    torch::Tensor context =
        torch::matmul(probs, v).permute({0, 2, 1, 3}).reshape({batch, length, hidden});
    torch::Tensor a = layer_norm(linear(context, p + "attention.output.dense") + h,
                                 p + "attention.output.LayerNorm");
    torch::Tensor inner = linear(a, p + "intermediate.dense");
    inner = 0.5 * inner * (1 + torch::erf(inner / std::sqrt(2.0)));
    h = layer_norm(linear(inner, p + "output.dense") + a, p + "output.LayerNorm");
  }
  return h;
}

TEST(XlmRoberta, PositionIdsFollowTheFairseqOffset) {
  torch::Tensor ids = torch::tensor({{0, 7, 8, 2, 1, 1}, {0, 9, 2, 1, 1, 1}});
  EXPECT_TRUE(torch::equal(nn::XlmRobertaImpl::position_ids(ids, 1),
                           torch::tensor({{2, 3, 4, 5, 1, 1}, {2, 3, 4, 1, 1, 1}})));
}

TEST(XlmRoberta, LoadedFolderEqualsThePlainTensorReference) {
  const nn::XlmRobertaConfig config = tiny();
  const TensorMap state = random_state(config, 3);
  torch::Tensor ids = torch::tensor({{0, 11, 23, 45, 17, 2}, {0, 31, 59, 2, 1, 1}});
  torch::Tensor mask = torch::tensor({{1, 1, 1, 1, 1, 1}, {1, 1, 1, 1, 0, 0}});
  const torch::Tensor expected = reference_forward(state, config, ids, mask);
  for (const std::string prefix : {"", "roberta."}) {
    const std::string dir = test::temp_dir("xlmr_folder" + prefix);
    TensorMap with_pooler = state;
    with_pooler["pooler.dense.weight"] = torch::randn({32, 32});
    with_pooler["pooler.dense.bias"] = torch::randn({32});
    write_folder(dir, config, with_pooler, prefix);
    auto backbone = load_hf_backbone({dir, "float32", torch::kCPU});
    EXPECT_EQ(backbone->model_type(), "xlm-roberta");
    EXPECT_EQ(backbone->hidden_size(), 32);
    torch::NoGradGuard no_grad;
    torch::Tensor got = backbone->last_hidden_state(ids, mask);
    ASSERT_EQ(got.sizes(), expected.sizes());
    const torch::Tensor real = mask.to(torch::kBool);
    EXPECT_LT((got - expected).abs().index({real}).max().item<double>(), 1e-5) << prefix;
    // The padded row's real tokens equal the same tokens alone.
    torch::Tensor alone = backbone->last_hidden_state(ids[1].narrow(0, 0, 4).unsqueeze(0),
                                                      torch::ones({1, 4}, torch::kLong));
    EXPECT_LT((alone[0] - got[1].narrow(0, 0, 4)).abs().max().item<double>(), 1e-5);
  }
}

TEST(XlmRoberta, MissingOrMisShapedTensorsAreNamed) {
  const nn::XlmRobertaConfig config = tiny();
  TensorMap state = random_state(config, 4);
  const std::string dir = test::temp_dir("xlmr_bad");
  state.erase("encoder.layer.1.output.dense.weight");
  state["encoder.layer.0.attention.self.key.bias"] = torch::zeros({31});
  write_folder(dir, config, state);
  try {
    load_hf_backbone({dir, "float32", torch::kCPU});
    FAIL() << "a broken checkpoint was accepted";
  } catch (const Error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("encoder.layer.1.output.dense.weight"), std::string::npos) << what;
    EXPECT_NE(what.find("encoder.layer.0.attention.self.key.bias"), std::string::npos) << what;
    EXPECT_NE(what.find("31"), std::string::npos) << what;
    EXPECT_NE(what.find("32"), std::string::npos) << what;
  }
  // A max_position_embeddings too small for the input is an error, not an index crash.
  write_folder(dir, config, random_state(config, 4));
  auto backbone = load_hf_backbone({dir, "float32", torch::kCPU});
  torch::Tensor long_ids = torch::full({1, 45}, 7, torch::kLong);
  EXPECT_THROW(backbone->last_hidden_state(long_ids, torch::ones_like(long_ids)), Error);
}

// A tiny "multilingual-e5" folder: self-trained XLM-R-layout tokenizer + random encoder.
std::string tiny_e5_folder(const std::string& name) {
  const std::string dir = test::temp_dir(name);
  std::vector<std::string> corpus;
  for (const auto& caption : test::korean_captions(600, 5)) corpus.push_back("query: " + caption);
  const int64_t vocab = text::build_xlmr_style_tokenizer(corpus, dir, {300, "unigram", 1.0, {}});
  nn::XlmRobertaConfig config = tiny(vocab);
  config.max_position_embeddings = 80;
  write_folder(dir, config, random_state(config, 6));
  return dir;
}

TEST(E5Similarity, MeanPooledQueryPrefixedUnitEmbeddingsInInputOrder) {
  const std::string dir = tiny_e5_folder("e5_similarity");
  Config node = Config::from_yaml_string("_target_: e5\nmodel_dir: " + dir + "\nbatch_size: 2\n");
  auto similarity = text_similarity_family().build(node, BuildContext{});
  const std::vector<std::string> sentences = {"사람이 앞으로 천천히 걷는다", "걷는다",
                                              "한 남자가 왼쪽으로 빠르게 뛰어간 뒤 멈춰 선다",
                                              "사람이 앞으로 천천히 걷는다", "사람이 점프한다"};
  torch::Tensor got = similarity->embed(sentences);
  ASSERT_EQ(got.sizes(), (std::vector<int64_t>{5, 32}));
  EXPECT_LT((got.norm(2, 1) - 1).abs().max().item<double>(), 1e-5);
  EXPECT_LT((got[0] - got[3]).abs().max().item<double>(), 1e-6);  // same sentence, other batch
  // Each row is the mean of "<s> query: x </s>" hidden states alone (no padding), normalised.
  auto tokenizer = text::load_tokenizer(dir);
  auto backbone = load_hf_backbone({dir, "float32", torch::kCPU});
  torch::NoGradGuard no_grad;
  for (size_t i = 0; i < sentences.size(); ++i) {
    std::vector<int64_t> ids = tokenizer->encode_framed("query: " + sentences[i]).ids;
    ASSERT_EQ(ids.front(), 0);
    ASSERT_EQ(ids.back(), 2);
    torch::Tensor input = torch::tensor(ids, torch::kLong).unsqueeze(0);
    torch::Tensor mean = backbone->last_hidden_state(input, torch::ones_like(input))[0].mean(0);
    torch::Tensor expected = mean / mean.norm();
    EXPECT_LT((got[static_cast<int64_t>(i)] - expected).abs().max().item<double>(), 1e-5) << i;
  }
  // The prefix is part of the cache key and of the result.
  Config plain = Config::from_yaml_string("_target_: e5\nmodel_dir: " + dir + "\nprefix: ''\n");
  auto without_prefix = text_similarity_family().build(plain, BuildContext{});
  EXPECT_NE(without_prefix->fingerprint(), similarity->fingerprint());
  EXPECT_GT((without_prefix->embed({sentences[0]})[0] - got[0]).abs().max().item<double>(), 1e-4);
  // A folder without weights names the folder.
  Config empty =
      Config::from_yaml_string("_target_: e5\nmodel_dir: " + test::temp_dir("e5_empty") + "\n");
  EXPECT_THROW(text_similarity_family().build(empty, BuildContext{}), Error);
}

TEST(E5Similarity, PreparedCaptionsAreCachedOnDiskAndGiveTheSameRows) {
  const std::string dir = tiny_e5_folder("e5_similarity_cache");
  BuildContext ctx;
  ctx.cache_dir = test::temp_dir("e5_similarity_cache_files");
  Config node = Config::from_yaml_string("_target_: e5\nmodel_dir: " + dir + "\n");
  const std::vector<std::string> captions = {"사람이 걷는다", "사람이 앞으로 뛰어간다",
                                             "한 남자가 손을 흔든다"};
  auto uncached = text_similarity_family().build(node, BuildContext{});
  torch::Tensor expected =
      uncached->embed({"사람이 점프한다", "사람이 걷는다", "한 남자가 손을 흔든다"});
  auto first = text_similarity_family().build(node, ctx);
  first->prepare(captions);
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(ctx.cache_dir))
    files.push_back(entry.path().string());
  ASSERT_EQ(files.size(), 1u);
  const auto written = fs::last_write_time(files[0]);
  // A second instance (another stage) reads the file; a caption outside it is computed.
  auto second = text_similarity_family().build(node, ctx);
  second->prepare(captions);
  EXPECT_EQ(fs::last_write_time(files[0]), written);
  torch::Tensor got = second->embed({"사람이 점프한다", "사람이 걷는다", "한 남자가 손을 흔든다"});
  EXPECT_LT((got - expected).abs().max().item<double>(), 1e-6);
}

TEST(E5TextEncoder, CachesFrozenEmbeddingsAndTrainsOnlyItsLinear) {
  const std::string dir = tiny_e5_folder("e5_encoder");
  BuildContext ctx;
  ctx.cache_dir = test::temp_dir("e5_encoder_cache");
  Config node = Config::from_yaml_string("_target_: e5\nmodel_dir: " + dir + "\nlatent_dim: 8\n");
  auto encoder = text_encoder_family().build(node, ctx);
  EXPECT_EQ(encoder->embedding_dim(), 8);
  std::vector<std::string> names;
  for (const auto& item : encoder->named_parameters()) names.push_back(item.key());
  EXPECT_EQ(names, (std::vector<std::string>{"projection.weight", "projection.bias"}));
  const std::vector<std::string> captions = {"사람이 걷는다", "사람이 앞으로 뛰어간다",
                                             "한 남자가 손을 흔든다"};
  encoder->prepare(captions);
  size_t cache_files = 0;
  for (const auto& entry : fs::directory_iterator(ctx.cache_dir))
    cache_files += entry.path().extension() == ".safetensors";
  EXPECT_EQ(cache_files, 1u);
  encoder->train();
  Embedding e = encoder->encode(captions);
  ASSERT_EQ(e.mean.sizes(), (std::vector<int64_t>{3, 8}));
  e.mean.sum().backward();
  for (const auto& p : encoder->parameters()) EXPECT_TRUE(p.grad().defined());
  // A caption outside the prepared set is computed on the fly and equals a fresh encoder's.
  auto again = text_encoder_family().build(node, ctx);
  again->prepare(captions);  // reads the cache
  torch::NoGradGuard no_grad;
  for (auto& p : again->named_parameters()) p.value().copy_(encoder->named_parameters()[p.key()]);
  torch::Tensor mixed = again->encode({"사람이 점프한다", "사람이 걷는다"}).mean;
  torch::Tensor known = encoder->encode({"사람이 걷는다"}).mean;
  EXPECT_LT((mixed[1] - known[0]).abs().max().item<double>(), 1e-6);
}

}  // namespace
