// Evaluation protocols (a)-(e) of the paper: a family of components turning a test set's text and
// motion embeddings into flat metrics (percent). A run lists them by name under task.protocols;
// every metric of an entry is "<entry name>/<key>", e.g. "all/t2m/R10", so two entries of the
// same protocol with other settings (two thresholds) both survive.
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
  std::vector<int64_t> frames;        // each motion's length in frames (empty when unknown)
  torch::Tensor caption_similarity;   // [N, N] caption cosine; needed by threshold/dissimilar
  std::string id_list_dir;            // where a dataset's nsim_test.txt may live ("" = none)
  std::string out_dir;                // protocols write side files here ("" = nowhere)
  std::string entry;                  // the protocol's name in task.protocols (side-file names)
};

class EvalProtocol {
 public:
  virtual ~EvalProtocol() = default;
  // Metrics relative to the entry: "t2m/R01" ... "m2t/MedR", "t2m/len", or protocol-specific keys.
  virtual std::map<std::string, double> evaluate(const EvalInputs& inputs) = 0;
  // Whether evaluate() reads inputs.caption_similarity for these inputs.
  virtual bool needs_caption_similarity(const EvalInputs& inputs) const { return false; }
};

MOTLAB_DECLARE_FAMILY(protocol_family, EvalProtocol)

// Every entry of `protocols` (name -> protocol node, or null to skip) on `inputs`, metrics
// "<name>/<key>". The one evaluation path of training, re-evaluation and `motlab eval`. An entry
// that needs caption similarities where there are none is an error naming it.
std::map<std::string, double> run_protocols(const Config& protocols, const EvalInputs& inputs,
                                            const BuildContext& ctx);

// A saved [N, D] float matrix (embeddings, caption similarities): an error naming the file when it
// is not 2-D or holds NaN or Inf (which would otherwise show only as a broken metric).
torch::Tensor load_matrix(const std::string& path);

// A saved embeddings/test_frames.txt (one frame count per line, one line per pair): empty when
// the file is absent (runs made before it existed), an error naming the file when it is bad.
std::vector<int64_t> read_frame_counts(const std::string& path, size_t pairs);

// The test directory of a data node: <root>/<split_dir> (where nsim_test.txt lives).
std::string id_list_dir_of(const Config& data);

// numpy's legacy np.random.seed(seed); np.random.permutation(n) (MT19937 init_genrand, then
// Fisher-Yates from the end with rejection-sampled bounded integers), bit for bit.
std::vector<int64_t> numpy_legacy_permutation(int64_t n, uint32_t seed);

// Number of whitespace-separated words (Korean: eojeol).
int64_t word_count(const std::string& text);

// rows and columns `index` of a square matrix.
torch::Tensor submatrix(const torch::Tensor& matrix, const std::vector<int64_t>& index);

}  // namespace motlab::eval
