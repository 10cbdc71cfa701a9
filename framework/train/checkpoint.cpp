#include "framework/train/checkpoint.h"

#include <ATen/Context.h>
#include <torch/version.h>

#include <cstdio>
#include <filesystem>

#include "framework/core/error.h"
#include "framework/io/atomic_file.h"

namespace motlab::train {

namespace {
torch::Generator cuda_generator(int64_t index) {
  return at::globalContext().defaultGenerator(
      torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(index)));
}

// The archive is serialised in memory, then written with write_file_atomic: LibTorch's file
// writer finishes the zip in its destructor, where a full disk aborts the process; here a full
// disk is an error naming the file, and no partial file is left behind.
void atomic_save(const std::string& path, torch::serialize::OutputArchive& archive) {
  std::ostringstream bytes;
  try {
    archive.save_to(bytes);
  } catch (const std::exception& e) {
    MOTLAB_FAIL("cannot serialise checkpoint ", path, ": ", error_text(e));
  }
  write_file_atomic(path, bytes.str());
}

void load_archive(const std::string& path, torch::serialize::InputArchive& archive) {
  MOTLAB_CHECK(std::filesystem::exists(path), "checkpoint ", path, " does not exist");
  try {
    archive.load_from(path);
  } catch (const std::exception& e) {
    MOTLAB_FAIL("cannot read checkpoint ", path, ": ", error_text(e));
  }
}

// Parameters and buffers under flat dotted names ("p/encoder.layers.0.linear1.weight"), so a
// load can check that every entry exists with the module's shape (LibTorch's Module::load
// silently accepts other shapes). Frozen parameters (a pretrained text backbone, the fused
// encoder's trained encoders) are not written: the module reloads them from their source when it
// is built, and a 1.5B-parameter base must not be copied into every checkpoint.
void write_module(torch::serialize::OutputArchive& archive, const torch::nn::Module& module) {
  for (const auto& p : module.named_parameters(true))
    if (p.value().requires_grad()) archive.write("p/" + p.key(), p.value());
  for (const auto& b : module.named_buffers(true)) archive.write("b/" + b.key(), b.value(), true);
}

void read_module(torch::serialize::InputArchive& archive, torch::nn::Module& module,
                 const std::string& path, const std::string& what) {
  torch::NoGradGuard no_grad;
  auto read_into = [&](const std::string& key, torch::Tensor target, bool buffer) {
    torch::Tensor value;
    try {
      archive.read(key, value, buffer);
    } catch (const std::exception&) {
      MOTLAB_FAIL("checkpoint ", path, ": ", what, " has no entry '", key.substr(2),
                  "' (written by a different model or configuration?)");
    }
    MOTLAB_CHECK(value.sizes() == target.sizes(), "checkpoint ", path, ": ", what, " entry '",
                 key.substr(2), "' has shape ", value.sizes(), " but the model expects ",
                 target.sizes(), " (written by a different configuration?)");
    target.copy_(value);
  };
  for (const auto& p : module.named_parameters(true))
    if (p.value().requires_grad()) read_into("p/" + p.key(), p.value(), false);
  for (const auto& b : module.named_buffers(true)) read_into("b/" + b.key(), b.value(), true);
}

template <class Fn>
void with_entry(const std::string& path, const std::string& key, Fn fn) {
  try {
    fn();
  } catch (const motlab::Error&) {
    throw;
  } catch (const std::exception& e) {
    MOTLAB_FAIL("checkpoint ", path, ": cannot load '", key,
                "' (written by a different model or configuration?): ", error_text(e));
  }
}
}  // namespace

RngStates capture_rng() {
  RngStates states;
  {
    auto generator = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(generator.mutex());
    states.cpu = generator.get_state();
  }
  if (torch::cuda::is_available())
    for (int64_t d = 0; d < static_cast<int64_t>(torch::cuda::device_count()); ++d) {
      auto generator = cuda_generator(d);
      std::lock_guard<std::mutex> lock(generator.mutex());
      states.cuda.push_back(generator.get_state());
    }
  return states;
}

void restore_rng(const RngStates& states) {
  {
    auto generator = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(generator.mutex());
    generator.set_state(states.cpu);
  }
  if (torch::cuda::is_available())
    for (size_t d = 0; d < states.cuda.size() && d < torch::cuda::device_count(); ++d) {
      auto generator = cuda_generator(static_cast<int64_t>(d));
      std::lock_guard<std::mutex> lock(generator.mutex());
      generator.set_state(states.cuda[d]);
    }
}

void save_checkpoint(const std::string& path, const Checkpoint& checkpoint) {
  torch::serialize::OutputArchive archive;
  for (const auto& [name, module] : checkpoint.modules) {
    torch::serialize::OutputArchive sub;
    write_module(sub, *module);
    archive.write("module/" + name, sub);
  }
  if (checkpoint.optimizer) {
    torch::serialize::OutputArchive sub;
    checkpoint.optimizer->save(sub);
    archive.write("optimizer", sub);
  }
  if (checkpoint.with_rng) {
    RngStates rng = capture_rng();
    archive.write("rng/cpu", rng.cpu);
    archive.write("rng/cuda_count", torch::tensor(static_cast<int64_t>(rng.cuda.size())));
    for (size_t d = 0; d < rng.cuda.size(); ++d)
      archive.write("rng/cuda" + std::to_string(d), rng.cuda[d]);
  }
  archive.write("state_json", c10::IValue(checkpoint.state_json));
  atomic_save(path, archive);
}

void check_checkpoint(const std::string& path) {
  torch::serialize::InputArchive archive;
  load_archive(path, archive);
  with_entry(path, "state_json", [&] {
    c10::IValue value;
    archive.read("state_json", value);
    value.toStringRef();
  });
}

std::string load_checkpoint(const std::string& path, const Checkpoint& checkpoint) {
  torch::serialize::InputArchive archive;
  load_archive(path, archive);
  for (const auto& [name, module] : checkpoint.modules) {
    torch::serialize::InputArchive sub;
    with_entry(path, "module/" + name, [&] { archive.read("module/" + name, sub); });
    read_module(sub, *module, path, "module '" + name + "'");
  }
  if (checkpoint.optimizer)
    with_entry(path, "optimizer", [&] {
      torch::serialize::InputArchive sub;
      archive.read("optimizer", sub);
      checkpoint.optimizer->load(sub);
    });
  if (checkpoint.with_rng)
    with_entry(path, "rng", [&] {
      RngStates rng;
      archive.read("rng/cpu", rng.cpu);
      torch::Tensor count;
      archive.read("rng/cuda_count", count);
      for (int64_t d = 0; d < count.item<int64_t>(); ++d) {
        torch::Tensor state;
        archive.read("rng/cuda" + std::to_string(d), state);
        rng.cuda.push_back(state);
      }
      restore_rng(rng);
    });
  std::string state = "{}";
  with_entry(path, "state_json", [&] {
    c10::IValue value;
    archive.read("state_json", value);
    state = value.toStringRef();
  });
  return state;
}

void save_module(const std::string& path, torch::nn::Module& module) {
  torch::serialize::OutputArchive archive;
  write_module(archive, module);
  atomic_save(path, archive);
}

void load_module(const std::string& path, torch::nn::Module& module) {
  torch::serialize::InputArchive archive;
  load_archive(path, archive);
  read_module(archive, module, path, "the module");
}

}  // namespace motlab::train
