#include <gtest/gtest.h>
#include "framework/config/config.h"
#include "framework/data/dataset.h"
#include "framework/model/interfaces.h"
#include "framework/nn/contrastive.h"
TEST(Dbg, Batch) {
  motlab::data::DatasetOptions o;
  o.layout.root = getenv("D"); o.layout.text_dir = "texts_ko"; o.split = "train"; o.sample_caption = true;
  motlab::data::MotionTextDataset ds(o);
  motlab::data::BatchLoader loader(ds, 32, true, true, 5);
  loader.start_epoch(0);
  motlab::data::Batch b; loader.next(&b);
  for (int i = 0; i < 5; ++i) printf("[%s] %s\n", b.captions[i].c_str(), b.motions.ids[i].c_str());
  torch::manual_seed(0);
  auto enc = motlab::make_text_encoder(motlab::Config::from_yaml_string("{_target_: char_actor, buckets: 4096, char_dim: 64, latent_dim: 64, ff_size: 256, num_layers: 2, num_heads: 4}"), motlab::BuildContext{});
  auto mot = motlab::make_motion_encoder(motlab::Config::from_yaml_string("{_target_: tmr, latent_dim: 64, ff_size: 256, num_layers: 2, num_heads: 4}"), motlab::BuildContext{});
  std::vector<torch::Tensor> params = enc->parameters(); for (auto& p : mot->parameters()) params.push_back(p);
  torch::optim::AdamW opt(params, torch::optim::AdamWOptions(atof(getenv("LR"))));
  for (int s=0;s<atoi(getenv("STEPS"));++s){
    if (!loader.next(&b)) { loader.start_epoch(s); loader.next(&b); }
    enc->train(); mot->train();
    auto e = enc->encode(b.captions);
    auto m = mot->encode(b.motions);
    auto loss = motlab::nn::infonce(e.mean, m.mean, 0.1);
    opt.zero_grad(); loss.backward(); opt.step();
    if (s%50==0) printf("step %d loss %f tstd %f mstd %f\n", s, loss.item<double>(), e.mean.std(0).mean().item<double>(), m.mean.std(0).mean().item<double>());
  }
}
