// A Hugging Face config.json (framework/io/hf_config.h) read as each supported architecture.
#include "framework/io/hf_config.h"
#include "framework/nn/hf/distilbert_config.h"
#include "framework/nn/hf/qwen2_config.h"
#include "framework/nn/hf/xlm_roberta_config.h"
#include "fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  motlab::fuzz::refused_or_parsed([&] {
    const auto config = motlab::io::HfConfig::parse(text, "fuzz/config.json");
    motlab::fuzz::refused_or_parsed([&] { motlab::nn::Qwen2Config::from_hf(config); });
    motlab::fuzz::refused_or_parsed([&] { motlab::nn::DistilBertConfig::from_hf(config); });
    motlab::fuzz::refused_or_parsed([&] { motlab::nn::XlmRobertaConfig::from_hf(config); });
  });
  return 0;
}
