// protocol `long`: (e) only the pairs whose caption has at least `min_words` whitespace words
// (Korean eojeol, eval::word_count). The paper's Table 2 uses two entries, long15 and long20.
#include "framework/config/settings.h"
#include "framework/eval/protocol.h"
#include "framework/eval/retrieval_metrics.h"

namespace motlab::eval {
namespace {
struct LongCaptionsSettings {
  int64_t min_words = 15;
};

SettingsSchema<LongCaptionsSettings> long_captions_settings() {
  using S = LongCaptionsSettings;
  return SettingsSchema<S>().option("min_words", &S::min_words,
                                    "fewest whitespace-separated words of a caption", at_least(0));
}

class LongCaptions : public EvalProtocol {
 public:
  explicit LongCaptions(int64_t minimum_words) : minimum_words_(minimum_words) {}
  std::map<std::string, double> evaluate(const EvalInputs& in) override {
    std::vector<int64_t> index;
    for (size_t k = 0; k < in.captions.size(); ++k)
      if (word_count(in.captions[k]) >= minimum_words_) index.push_back(static_cast<int64_t>(k));
    if (index.empty()) {  // an empty subset has len 0 and no metric values (NaN -> null)
      RetrievalMetrics empty;
      empty.t2m = recall_from_ranks({});
      empty.m2t = empty.t2m;
      return empty.flat("");
    }
    return retrieval_metrics(submatrix(cosine_similarity_matrix(in.text, in.motion), index))
        .flat("");
  }

 private:
  int64_t minimum_words_;
};
}  // namespace

MOTLAB_REGISTER(protocol_family, "long",
                "(e) only pairs whose caption has at least min_words words (eojeol)",
                long_captions_settings().options(),
                [](const Options& o, const BuildContext&) -> std::shared_ptr<EvalProtocol> {
                  return std::make_shared<LongCaptions>(long_captions_settings().read(o).min_words);
                });
}  // namespace motlab::eval
