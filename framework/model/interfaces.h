// The component families' interfaces. Every concrete component lives in components/<family>/
// as one .cpp that registers itself; the framework reaches it only through these classes.
//
// Shapes: B = batch, T = frames, F = motion feature dim (263), E = joint embedding dim,
// N = token count of an encoder's output sequence, C = its channel dim.
#pragma once
#include <torch/torch.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "framework/config/config.h"
#include "framework/registry/registry.h"

namespace motlab {

// A batch of motions as every motion encoder sees it.
struct MotionBatch {
  torch::Tensor features;  // [B, T, F] float, normalised, zero-padded after each length
  torch::Tensor mask;      // [B, T] bool, true = real frame
  torch::Tensor lengths;   // [B] int64
  std::vector<std::string> ids;
};

// Encoder output. `mean` is what retrieval uses; VAE-style encoders (TMR) also give `logvar`
// and a sampled `latent` in training; `tokens` feed the fused encoder's cross-attention.
struct Embedding {
  torch::Tensor mean;        // [B, E]
  torch::Tensor logvar;      // [B, E] or undefined
  torch::Tensor latent;      // [B, E]: sampled in training for VAE encoders, else == mean
  torch::Tensor tokens;      // [B, N, C] or undefined
  torch::Tensor token_mask;  // [B, N] bool (true = valid) or undefined
};

// A VAE encoder's embedding from its distribution tokens (mean, logvar: [B, E]): in training the
// latent is sampled, mean + eps * exp(logvar / 2) with eps from dist::randn_rows_like (the same
// draw however a data-parallel batch is split); otherwise latent == mean.
Embedding gaussian_embedding(torch::Tensor mean, torch::Tensor logvar, bool training);

class MotionEncoder : public torch::nn::Module {
 public:
  virtual Embedding encode(const MotionBatch& batch) = 0;
  virtual int64_t embedding_dim() const = 0;
  // C of the `tokens` encode() gives ([B, N, C]); 0 when it gives none.
  virtual int64_t token_dim() const { return 0; }
  virtual ~MotionEncoder() = default;
};

class TextEncoder : public torch::nn::Module {
 public:
  virtual Embedding encode(const std::vector<std::string>& captions) = 0;
  virtual int64_t embedding_dim() const = 0;
  // Frozen backbones may precompute features for a known caption set (cached on disk).
  virtual void prepare(const std::vector<std::string>& all_captions) {}
  // Files a user reuses outside motlab (e.g. a LoRA adapter in PEFT's layout), written into `dir`
  // after training. Most encoders have none.
  virtual void export_artifacts(const std::string& dir) {}
  // Running statistics of encode() calls since the last reset (e.g. "kv_cache_bytes_per_query"),
  // recorded in a run's metrics under text_encoder/.
  virtual std::map<std::string, double> statistics() const { return {}; }
  virtual void reset_statistics() {}
  virtual ~TextEncoder() = default;
};

// Everything a training loss may look at for one batch.
struct LossInputs {
  Embedding text;
  Embedding motion;
  const MotionBatch* motions = nullptr;  // ground truth (for reconstruction losses)
  torch::Tensor caption_similarity;      // [B, B] cosine between captions, or undefined
};

struct LossOutput {
  torch::Tensor total;                  // scalar, differentiable
  std::map<std::string, double> parts;  // named components for logging (already weighted)
};

class Loss : public torch::nn::Module {
 public:
  virtual LossOutput compute(const LossInputs& inputs) = 0;
  // Whether compute() reads LossInputs::motions (a reconstruction loss does). When false the
  // trainer passes none, and data-parallel training does not gather the global batch's motions.
  virtual bool needs_motions() const { return true; }
  virtual ~Loss() = default;
};

// Sentence similarity for negative filtering and the thresholded protocols.
class TextSimilarity {
 public:
  virtual ~TextSimilarity() = default;
  // Unit-norm sentence embeddings [N, D]; cosine similarity = embed(a) . embed(b).
  virtual torch::Tensor embed(const std::vector<std::string>& sentences) = 0;
  // Called once before training with every caption the run will compare (train, val, test);
  // a model whose embedding of a sentence does not depend on the others (e5) computes them all
  // here and caches them on disk (BuildContext::cache_dir). Default: nothing.
  virtual void prepare(const std::vector<std::string>& all_captions) {}
  // Identifies the model + settings (part of cache keys).
  virtual std::string fingerprint() const = 0;
};

MOTLAB_DECLARE_FAMILY(motion_encoder_family, MotionEncoder)
MOTLAB_DECLARE_FAMILY(text_encoder_family, TextEncoder)
MOTLAB_DECLARE_FAMILY(loss_family, Loss)
MOTLAB_DECLARE_FAMILY(text_similarity_family, TextSimilarity)

// The registry key a component node selects: its `_target_` value (error naming the node if
// absent).
std::string component_key(const Config& node);

}  // namespace motlab
