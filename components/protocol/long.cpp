// protocol `long`: (e) only the pairs whose caption has at least `min_words` whitespace words
// (Korean eojeol, eval::word_count). The paper's Table 2 uses two entries, long15 and long20.
#include "framework/eval/protocol.h"
#include "framework/eval/retrieval_metrics.h"

namespace motlab::eval {
namespace {
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
                OptionSchema().option<int64_t>("min_words", 15,
                                               "fewest whitespace-separated words of a caption"),
                [](const Options& o, const BuildContext&) -> std::shared_ptr<EvalProtocol> {
                  const int64_t words = o.get<int64_t>("min_words");
                  MOTLAB_CHECK(words >= 0, o.describe("min_words"), ": must be >= 0, got ", words);
                  return std::make_shared<LongCaptions>(words);
                });
}  // namespace motlab::eval
