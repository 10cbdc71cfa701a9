// Evaluation protocols (a)-(e) of the paper: a family of components turning a test set's text and
// motion embeddings into flat metrics "<protocol>/<t2m|m2t>/<R01..R10|MedR|len>" (percent).
#pragma once
#include <torch/torch.h>

#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "framework/model/interfaces.h"

namespace motlab::eval {

struct EvalInputs {
  torch::Tensor text;                 // [N, E], row i pairs with motion row i
  torch::Tensor motion;               // [N, E]
  std::vector<std::string> ids;       // motion ids (keyids)
  std::vector<std::string> captions;  // the caption used for each pair
  torch::Tensor caption_similarity;   // [N, N] caption cosine; needed by threshold/dissimilar
  std::string id_list_dir;            // where a dataset's nsim_test.txt may live ("" = none)
  std::string out_dir;                // protocols write side files here ("" = nowhere)
};

class EvalProtocol {
 public:
  virtual ~EvalProtocol() = default;
  virtual std::map<std::string, double> evaluate(const EvalInputs& inputs) = 0;
};

MOTLAB_DECLARE_FAMILY(eval_protocol_family, std::shared_ptr<EvalProtocol>, const Config&,
                      const BuildContext&)
std::shared_ptr<EvalProtocol> make_eval_protocol(const Config& node, const BuildContext& ctx);

// numpy's legacy np.random.seed(seed); np.random.permutation(n) (MT19937 init_genrand, then
// Fisher-Yates from the end with rejection-sampled bounded integers), bit for bit.
std::vector<int64_t> numpy_legacy_permutation(int64_t n, uint32_t seed);

// Number of whitespace-separated words (Korean: eojeol).
int64_t word_count(const std::string& text);

}  // namespace motlab::eval
