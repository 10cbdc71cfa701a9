#include "framework/eval/protocol.h"

#include <numeric>
#include <sstream>

namespace motlab::eval {

MOTLAB_DEFINE_FAMILY(eval_protocol_family, "eval_protocol", "protocol",
                     "retrieval evaluation protocol over test-set embeddings",
                     std::shared_ptr<EvalProtocol>, const Config&, const BuildContext&)

std::shared_ptr<EvalProtocol> make_eval_protocol(const Config& node, const BuildContext& ctx) {
  const std::string key = component_key(node);
  return eval_protocol_family().create(key, node["_target_"].describe(), node, ctx);
}

std::vector<int64_t> numpy_legacy_permutation(int64_t n, uint32_t seed) {
  std::vector<int64_t> values(n);
  std::iota(values.begin(), values.end(), 0);
  std::mt19937 generator(seed);  // init_genrand(seed), as numpy's legacy seeding of an int
  for (int64_t i = n - 1; i >= 1; --i) {
    // random_interval(i): smallest all-ones mask >= i, redraw 32-bit words until <= i.
    uint64_t max = static_cast<uint64_t>(i), mask = max;
    for (int shift : {1, 2, 4, 8, 16, 32}) mask |= mask >> shift;
    uint64_t j;
    do {
      j = static_cast<uint64_t>(generator()) & mask;
    } while (j > max);
    std::swap(values[i], values[j]);
  }
  return values;
}

int64_t word_count(const std::string& text) {
  std::istringstream in(text);
  std::string word;
  int64_t n = 0;
  while (in >> word) ++n;
  return n;
}

}  // namespace motlab::eval
