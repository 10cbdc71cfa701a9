// protocol `all`: (a) every test pair (TMR's retrieval.py, protocol "normal").
#include "framework/eval/protocol.h"
#include "framework/eval/retrieval_metrics.h"

namespace motlab::eval {
namespace {
class AllPairs : public EvalProtocol {
 public:
  std::map<std::string, double> evaluate(const EvalInputs& in) override {
    return retrieval_metrics(cosine_similarity_matrix(in.text, in.motion)).flat("");
  }
};
}  // namespace

MOTLAB_REGISTER(protocol_family, "all", "(a) every test pair", OptionSchema(),
                [](const Options&, const BuildContext&) -> std::shared_ptr<EvalProtocol> {
                  return std::make_shared<AllPairs>();
                });
}  // namespace motlab::eval
