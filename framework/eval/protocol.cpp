#include "framework/eval/protocol.h"

#include <fstream>

#include <numeric>
#include <sstream>
#include "framework/data/npy.h"

namespace motlab::eval {

MOTLAB_DEFINE_FAMILY(protocol_family, EvalProtocol, "protocol", "protocol",
                     "retrieval evaluation protocol over test-set embeddings")

std::map<std::string, double> run_protocols(const Config& protocols, const EvalInputs& inputs,
                                            const BuildContext& ctx) {
  std::map<std::string, double> metrics;
  if (protocols.is_null()) return metrics;
  MOTLAB_CHECK(protocols.is_dict(), protocols.describe(),
               ": protocols must map entry names to protocol nodes, got ", protocols.kind_name());
  const int64_t n = inputs.text.defined() ? inputs.text.size(0) : 0;
  MOTLAB_CHECK(inputs.text.defined() && inputs.motion.defined() && inputs.text.dim() == 2 &&
                   inputs.motion.sizes() == inputs.text.sizes(),
               "evaluation: text and motion embeddings must both be [N, E], got ",
               inputs.text.defined() ? inputs.text.sizes() : torch::IntArrayRef{}, " and ",
               inputs.motion.defined() ? inputs.motion.sizes() : torch::IntArrayRef{});
  MOTLAB_CHECK(static_cast<int64_t>(inputs.ids.size()) == n &&
                   static_cast<int64_t>(inputs.captions.size()) == n,
               "evaluation: ", n, " pairs but ", inputs.ids.size(), " ids and ",
               inputs.captions.size(), " captions");
  MOTLAB_CHECK(!inputs.caption_similarity.defined() ||
                   inputs.caption_similarity.sizes() == torch::IntArrayRef({n, n}),
               "evaluation: the caption similarity matrix is ", inputs.caption_similarity.sizes(),
               ", expected [", n, ", ", n, "]");
  for (const auto& [name, node] : protocols.items()) {
    if (node.is_null()) continue;  // an entry switched off with task.protocols.<name>=null
    std::shared_ptr<EvalProtocol> protocol = protocol_family().build(node, ctx);
    EvalInputs entry_inputs = inputs;
    entry_inputs.entry = name;
    MOTLAB_CHECK(
        inputs.caption_similarity.defined() || !protocol->needs_caption_similarity(entry_inputs),
        node.describe(), ": protocol '", name, "' (", component_key(node),
        ") needs caption similarities: choose text_similarity=<option>");
    for (const auto& [key, value] : protocol->evaluate(entry_inputs))
      metrics[name + "/" + key] = value;
  }
  return metrics;
}

torch::Tensor load_matrix(const std::string& path) {
  torch::Tensor m = npy::load(path).to(torch::kFloat32);
  MOTLAB_CHECK(m.dim() == 2, path, ": expected a 2-D [N, D] array, got shape ", m.sizes());
  const torch::Tensor bad = ~torch::isfinite(m);
  if (bad.any().item<bool>()) {
    const torch::Tensor first = bad.nonzero()[0];
    MOTLAB_FAIL(path, ": ", bad.sum().item<int64_t>(), " NaN or Inf value(s), the first in row ",
                first[0].item<int64_t>(), ", column ", first[1].item<int64_t>());
  }
  return m;
}

std::vector<int64_t> read_frame_counts(const std::string& path, size_t pairs) {
  std::vector<int64_t> out;
  std::ifstream in(path);
  if (!in) return out;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (line.empty()) continue;
    size_t used = 0;
    long long value = -1;
    try {
      value = std::stoll(line, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    MOTLAB_CHECK(used == line.size() && value > 0, path, ":", number,
                 ": expected a frame count (a positive integer), got '", line, "'");
    out.push_back(value);
  }
  MOTLAB_CHECK(out.size() == pairs, path, ": ", out.size(), " frame counts for ", pairs, " pairs");
  return out;
}

std::string id_list_dir_of(const Config& data) {
  if (!data.is_dict() || !data.has("root")) return "";
  const std::string root = data.get<std::string>("root");
  const std::string split_dir = data.get<std::string>("split_dir", "");
  return split_dir.empty() ? root : root + "/" + split_dir;
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

torch::Tensor submatrix(const torch::Tensor& matrix, const std::vector<int64_t>& index) {
  torch::Tensor idx = torch::tensor(index, torch::kLong);
  return matrix.index_select(0, idx).index_select(1, idx);
}

}  // namespace motlab::eval
