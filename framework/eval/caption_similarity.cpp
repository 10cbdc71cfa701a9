#include "framework/eval/caption_similarity.h"

#include "framework/core/error.h"
#include "framework/core/log.h"
#include "framework/core/strings.h"
#include "framework/eval/retrieval_metrics.h"
#include "framework/io/atomic_file.h"
#include "framework/io/safetensors.h"

namespace motlab::eval {

CaptionSimilarity pairwise_caption_similarity(TextSimilarity& similarity,
                                              const std::vector<std::string>& captions,
                                              const std::string& cache_dir) {
  const auto n = static_cast<int64_t>(captions.size());
  CaptionSimilarity out;
  if (!cache_dir.empty()) {
    std::string joined;
    for (const auto& c : captions) joined += c + '\n';
    out.file = cache_dir + "/caption_similarity_" + fnv1a_hex(similarity.fingerprint()) + "_" +
               fnv1a_hex(joined) + ".safetensors";
  }
  if (!out.file.empty() && file_exists(out.file)) {
    out.matrix = io::Checkpoint::open(out.file).tensor("similarity", torch::kFloat);
    MOTLAB_CHECK(out.matrix.dim() == 2 && out.matrix.size(0) == n && out.matrix.size(1) == n,
                 out.file, ": 'similarity' has shape ", out.matrix.sizes(), ", expected [", n, ", ",
                 n, "] for ", n, " captions (delete the file to rebuild it)");
    out.from_disk = true;
    return out;
  }
  torch::NoGradGuard no_grad;
  torch::Tensor e = similarity.embed(captions).to(torch::kCPU, torch::kFloat);  // [N, D]
  MOTLAB_CHECK(e.dim() == 2 && e.size(0) == n, "text similarity returned ", e.sizes(),
               " embeddings for ", n, " captions");
  out.matrix = single_threaded_matmul_t(e, e).contiguous();
  if (!out.file.empty()) {
    make_dirs(cache_dir);
    io::save_safetensors(out.file, {{"similarity", out.matrix}});
    log::info("cache", "caption similarity of " + std::to_string(n) + " captions -> " + out.file);
  }
  return out;
}

}  // namespace motlab::eval
