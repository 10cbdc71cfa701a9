// Task `bench_text_encoder`: query latency and throughput of the configured text encoder
// (`text_encoder` node: qwen2_lora, distilkobert, e5...), i.e. TextEncoder::encode() in eval mode
// without gradients, bf16 autocast on CUDA when asked. Captions are long enough that every one
// fills the encoder's token window (max_tokens), so a query is exactly that many tokens; the
// encoder's own tokens_per_query statistic is recorded to show it. Per batch size: `warmup`
// untimed calls, then the median and mean over `repeats` timed calls (CUDA synchronised).
#include <algorithm>
#include <chrono>
#include <numeric>

#include "framework/config/settings.h"
#include "framework/core/autocast.h"
#include "framework/core/device.h"
#include "framework/core/error.h"
#include "framework/core/log.h"
#include "framework/run/task.h"

namespace motlab {
namespace {

struct BenchTextEncoderSettings {
  std::vector<int64_t> batch_sizes = {1, 256};
  int64_t warmup = 3;
  int64_t repeats = 20;
  int64_t caption_words = 120;
  bool autocast = true;
};

SettingsSchema<BenchTextEncoderSettings> bench_text_encoder_settings() {
  using S = BenchTextEncoderSettings;
  return SettingsSchema<S>()
      .option("batch_sizes", &S::batch_sizes, "batch sizes timed, one after the other", at_least(1))
      .option("warmup", &S::warmup, "untimed calls before each batch size", at_least(0))
      .option("repeats", &S::repeats, "timed calls per batch size (median reported)", at_least(1))
      .option("caption_words", &S::caption_words,
              "words per caption (long enough to fill the token window)", at_least(2))
      .option("autocast", &S::autocast, "bf16 autocast on CUDA")
      .check([](const S& s, const auto& where) {
        MOTLAB_CHECK(!s.batch_sizes.empty(), where("batch_sizes"),
                     ": task.batch_sizes must list at least one batch size");
      });
}

// Distinct captions (an index first, so no encoder-side cache can answer them) of `words` words.
std::vector<std::string> long_captions(int64_t count, int64_t words) {
  static const char* kWords[] = {"사람이", "앞으로", "천천히", "걸어가다가", "왼쪽으로",
                                 "돌아서", "두",     "팔을",   "크게",       "흔든다"};
  std::vector<std::string> out;
  for (int64_t i = 0; i < count; ++i) {
    std::string caption = std::to_string(i) + "번째";
    for (int64_t w = 1; w < words; ++w) caption += std::string(" ") + kWords[(i + w) % 10];
    out.push_back(caption);
  }
  return out;
}

class BenchTextEncoderTask : public Task {
 public:
  explicit BenchTextEncoderTask(BenchTextEncoderSettings options) : options_(std::move(options)) {}

  void run(RunContext& run) override {
    const BuildContext ctx = run.build_context();
    auto encoder = text_encoder_family().build(run.config()["text_encoder"], ctx);
    encoder->eval();
    torch::NoGradGuard no_grad;
    AutocastGuard autocast(options_.autocast && ctx.device.is_cuda());
    const int64_t largest =
        *std::max_element(options_.batch_sizes.begin(), options_.batch_sizes.end());
    const auto captions = long_captions(largest, options_.caption_words);
    log::info("bench", "text encoder " + component_key(run.config()["text_encoder"]) + " on " +
                           ctx.device.str());
    for (const int64_t batch : options_.batch_sizes) {
      const std::vector<std::string> queries(captions.begin(), captions.begin() + batch);
      for (int64_t k = 0; k < options_.warmup; ++k) encoder->encode(queries);
      encoder->reset_statistics();
      std::vector<double> ms;
      for (int64_t k = 0; k < options_.repeats; ++k) {
        synchronize_device(ctx.device);
        const auto start = std::chrono::steady_clock::now();
        torch::Tensor out = encoder->encode(queries).mean;
        synchronize_device(ctx.device);
        ms.push_back(
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                .count());
        MOTLAB_CHECK(out.size(0) == batch, "bench: the encoder returned ", out.size(0),
                     " rows for ", batch, " captions");
      }
      std::vector<double> sorted = ms;
      std::sort(sorted.begin(), sorted.end());
      const size_t n = sorted.size();
      const double median = n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
      const double mean = std::accumulate(ms.begin(), ms.end(), 0.0) / static_cast<double>(n);
      const std::string suffix = "/batch" + std::to_string(batch);
      run.set_metric("median_ms" + suffix, median);
      run.set_metric("mean_ms" + suffix, mean);
      run.set_metric("queries_per_s" + suffix, 1000.0 * static_cast<double>(batch) / median);
      const auto stats = encoder->statistics();
      if (stats.count("tokens_per_query"))
        run.set_metric("tokens_per_query" + suffix, stats.at("tokens_per_query"));
      run.append_csv_row({{"batch", double(batch)},
                          {"median_ms", median},
                          {"mean_ms", mean},
                          {"queries_per_s", 1000.0 * static_cast<double>(batch) / median}});
      log::info("bench",
                "batch " + std::to_string(batch) + ": median " + std::to_string(median) +
                    " ms, mean " + std::to_string(mean) + " ms, " +
                    std::to_string(1000.0 * static_cast<double>(batch) / median) + " queries/s" +
                    (stats.count("tokens_per_query")
                         ? ", " + std::to_string(stats.at("tokens_per_query")) + " tokens/query"
                         : ""));
    }
  }

 private:
  BenchTextEncoderSettings options_;
};

}  // namespace

MOTLAB_REGISTER(task_family, "bench_text_encoder",
                "query latency and throughput of the configured text encoder",
                bench_text_encoder_settings().options(),
                [](const Options& o, const BuildContext&) -> std::shared_ptr<Task> {
                  return std::make_shared<BenchTextEncoderTask>(
                      bench_text_encoder_settings().read(o));
                });

}  // namespace motlab
