#include "framework/dist/dist.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <thread>

#include "framework/core/error.h"
#include "framework/core/log.h"
#include "framework/core/strings.h"

#if __has_include(<gloo/algorithm.h>) && \
    __has_include(<torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>)
#define USE_C10D_GLOO 1
#define MOTLAB_WITH_GLOO 1
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#endif
#ifdef MOTLAB_WITH_NCCL
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

namespace motlab::dist {
namespace {

using namespace std::chrono_literals;

std::string env_text(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

int env_int(const char* name, int fallback, int min_value) {
  const std::string text = env_text(name);
  if (text.empty()) return fallback;
  char* end = nullptr;
  errno = 0;
  const long value = std::strtol(text.c_str(), &end, 10);
  MOTLAB_CHECK(errno == 0 && end && *end == '\0' && value >= min_value && value <= 1 << 30,
               "environment variable ", name, "='", text, "': expected an integer >= ", min_value);
  return static_cast<int>(value);
}

// "2(x3),1" -> 2: the tasks on this job's first node (SLURM_STEP_TASKS_PER_NODE's format).
int leading_count(const std::string& text, int fallback) {
  size_t k = 0;
  while (k < text.size() && std::isdigit(static_cast<unsigned char>(text[k]))) ++k;
  return k ? std::stoi(text.substr(0, k)) : fallback;
}

#ifdef MOTLAB_WITH_GLOO
#if defined(TORCH_VERSION_MAJOR) && TORCH_VERSION_MAJOR >= 2
using GroupBase = c10d::Backend;  // LibTorch 2: backends sit under a ProcessGroup wrapper
#else
using GroupBase = c10d::ProcessGroup;
#endif
#endif

struct State {
  Placement placement;
  std::string backend;
  std::chrono::milliseconds timeout{600000};
#ifdef MOTLAB_WITH_GLOO
  c10::intrusive_ptr<c10d::TCPStore> store;
  c10::intrusive_ptr<GroupBase> group;
#endif
  std::thread heartbeat;
  std::atomic<bool> stop{false};
  int primary_first_calls = 0;
  double communication_s = 0;
};

State& state() {
  static State s;
  return s;
}

bool group_exists() {
#ifdef MOTLAB_WITH_GLOO
  return static_cast<bool>(state().group);
#else
  return false;
#endif
}

constexpr auto kHeartbeatPeriod = 500ms;
const std::string kAlive = "motlab/alive/", kFailed = "motlab/failed/";

#ifdef MOTLAB_WITH_GLOO
c10::intrusive_ptr<c10d::TCPStore> connect_store(const Placement& p, bool server, bool wait_all,
                                                 std::chrono::milliseconds timeout) {
  c10d::TCPStoreOptions options;
  options.port = static_cast<std::uint16_t>(p.master_port);
  options.isServer = server;
  if (wait_all) options.numWorkers = static_cast<std::size_t>(p.world_size);
  options.waitWorkers = wait_all;
  options.timeout = timeout;
  return c10::make_intrusive<c10d::TCPStore>(p.master_addr, options);
}

// Which ranks stopped, as far as the store can tell: their recorded error, or a heartbeat that
// no longer advances; the store itself gone means rank 0 (its host) stopped.
std::string stopped_ranks() {
  const State& s = state();
  const Placement& p = s.placement;
  try {
    auto store = connect_store(p, false, false, 5000ms);
    std::vector<int64_t> before(p.world_size);
    for (int k = 0; k < p.world_size; ++k) before[k] = store->add(kAlive + std::to_string(k), 0);
    std::this_thread::sleep_for(4 * kHeartbeatPeriod);
    std::vector<std::string> stopped;
    for (int k = 0; k < p.world_size; ++k) {
      if (k == p.rank) continue;
      const std::string failed_key = kFailed + std::to_string(k);
      if (store->check({failed_key})) {
        const auto bytes = store->get(failed_key);
        stopped.push_back("rank " + std::to_string(k) +
                          " stopped with an error: " + std::string(bytes.begin(), bytes.end()));
      } else if (store->add(kAlive + std::to_string(k), 0) == before[k]) {
        stopped.push_back("rank " + std::to_string(k) + " stopped (no heartbeat for " +
                          std::to_string(4 * kHeartbeatPeriod.count() / 1000.0).substr(0, 3) +
                          " s: killed or crashed)");
      }
    }
    if (stopped.empty())
      return "every rank is still alive: a collective timed out (a rank stuck or far behind)";
    std::string text;
    for (const auto& line : stopped) text += (text.empty() ? "" : "; ") + line;
    return text;
  } catch (const std::exception&) {
    return "rank 0 stopped (the rendezvous store it hosts at " + p.master_addr + ":" +
           std::to_string(p.master_port) + " is gone)";
  }
}

template <class Fn>
void collective(const char* what, Fn&& fn) {
  MOTLAB_CHECK(group_exists(), "dist: ", what, " without a process group");
  const auto start = std::chrono::steady_clock::now();
  try {
    fn(*state().group);
    state().communication_s +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  } catch (const std::exception& e) {
    std::string detail = error_text(e);
    if (const size_t newline = detail.find('\n'); newline != std::string::npos)
      detail.resize(newline);
    MOTLAB_FAIL("rank ", state().placement.rank, ": ", what, " across ",
                state().placement.world_size, " ranks failed: ", stopped_ranks(), " [", detail,
                "]");
  }
}

void wait(const c10::intrusive_ptr<c10d::Work>& work) { work->wait(); }

// NCCL moves CUDA tensors only: small CPU tensors (counts, flags, strings) travel through this
// rank's GPU and back.
torch::Tensor on_backend_device(const torch::Tensor& t) {
  if (state().backend == "nccl" && !t.is_cuda())
    return t.to(
        torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(state().placement.local_rank)));
  return t;
}
#endif

}  // namespace

std::string first_host_of_nodelist(const std::string& nodelist) {
  int depth = 0;
  size_t end = 0;
  for (; end < nodelist.size(); ++end) {
    if (nodelist[end] == '[') ++depth;
    if (nodelist[end] == ']') --depth;
    if (nodelist[end] == ',' && depth == 0) break;
  }
  const std::string first = nodelist.substr(0, end);
  const size_t open = first.find('[');
  if (open == std::string::npos) return first;
  const std::string prefix = first.substr(0, open);
  size_t k = open + 1;
  std::string number;
  while (k < first.size() && first[k] != '-' && first[k] != ',' && first[k] != ']')
    number += first[k++];
  return prefix + number;  // keeps the zero padding ("node01")
}

Placement placement_from_environment() {
  Placement p;
  if (!env_text("WORLD_SIZE").empty() || !env_text("RANK").empty()) {
    MOTLAB_CHECK(!env_text("WORLD_SIZE").empty() && !env_text("RANK").empty(),
                 "environment: RANK and WORLD_SIZE must be set together (as torchrun sets them); "
                 "got RANK='",
                 env_text("RANK"), "', WORLD_SIZE='", env_text("WORLD_SIZE"), "'");
    p.launcher = "torchrun";
    p.world_size = env_int("WORLD_SIZE", 1, 1);
    p.rank = env_int("RANK", 0, 0);
    p.local_rank = env_int("LOCAL_RANK", p.rank, 0);
    p.local_world_size = env_int("LOCAL_WORLD_SIZE", p.world_size, 1);
    if (p.world_size > 1) {
      MOTLAB_CHECK(!env_text("MASTER_ADDR").empty() && !env_text("MASTER_PORT").empty(),
                   "environment: WORLD_SIZE=", p.world_size,
                   " needs MASTER_ADDR and MASTER_PORT (the rendezvous host and port)");
    }
    if (!env_text("MASTER_ADDR").empty()) p.master_addr = env_text("MASTER_ADDR");
    p.master_port = env_int("MASTER_PORT", 29500, 1);
  } else if (!env_text("SLURM_STEP_ID").empty() && !env_text("SLURM_PROCID").empty()) {
    // Inside `srun` (a job step). The batch script itself also has SLURM_PROCID and SLURM_NTASKS
    // but is one process: it is not a rank.
    p.launcher = "srun";
    p.world_size = env_int("SLURM_STEP_NUM_TASKS", env_int("SLURM_NTASKS", 1, 1), 1);
    p.rank = env_int("SLURM_PROCID", 0, 0);
    p.local_rank = env_int("SLURM_LOCALID", 0, 0);
    p.local_world_size = leading_count(env_text("SLURM_STEP_TASKS_PER_NODE"), 1);
    std::string nodes = env_text("SLURM_STEP_NODELIST");
    if (nodes.empty()) nodes = env_text("SLURM_JOB_NODELIST");
    if (!env_text("MASTER_ADDR").empty())
      p.master_addr = env_text("MASTER_ADDR");
    else if (!nodes.empty())
      p.master_addr = first_host_of_nodelist(nodes);
    p.master_port = env_int("MASTER_PORT", 29500 + env_int("SLURM_JOB_ID", 0, 0) % 20000, 1);
  }
  MOTLAB_CHECK(p.rank < p.world_size, "environment: rank ", p.rank, " is not below the world size ",
               p.world_size, " (",
               p.launcher == "srun" ? "SLURM_PROCID/SLURM_NTASKS" : "RANK/WORLD_SIZE", ")");
  MOTLAB_CHECK(p.master_port <= 65535, "environment: MASTER_PORT=", p.master_port,
               " is not a TCP port (1-65535)");
  return p;
}

void initialize(const Placement& placement, const GroupSettings& options, torch::Device device) {
  State& s = state();
  MOTLAB_CHECK(!group_exists(), "dist: the process group is already initialised");
  s.placement = placement;
  s.timeout = std::chrono::milliseconds(static_cast<int64_t>(options.timeout_s * 1000));
  std::string backend = options.backend;
  if (backend == "auto") backend = device.is_cuda() ? "nccl" : "gloo";
  MOTLAB_CHECK(backend == "gloo" || backend == "nccl", "trainer.dist_backend: '", options.backend,
               "' is not a backend (expected auto, gloo or nccl)");
  s.backend = backend;
  if (placement.world_size <= 1) return;
#ifndef MOTLAB_WITH_GLOO
  MOTLAB_FAIL("this motlab was built without c10d's Gloo headers (Debian: libgloo-dev): it cannot ",
              "run ", placement.world_size, " ranks");
#else
  const std::string where = placement.master_addr + ":" + std::to_string(placement.master_port);
  try {
    s.store = connect_store(placement, placement.rank == 0, true, s.timeout);
  } catch (const std::exception& e) {
    MOTLAB_FAIL("rank ", placement.rank, ": rendezvous at ", where, " failed (", error_text(e),
                "): every one of the ", placement.world_size, " ranks must start within ",
                options.timeout_s, " s, and MASTER_ADDR/MASTER_PORT ",
                "must name rank 0's host and a free port");
  }
  try {
    if (backend == "nccl") {
#ifdef MOTLAB_WITH_NCCL
      auto nccl_options = c10d::ProcessGroupNCCL::Options::create();
      nccl_options->timeout = s.timeout;
      s.group = c10::make_intrusive<c10d::ProcessGroupNCCL>(s.store, placement.rank,
                                                            placement.world_size, nccl_options);
#else
      MOTLAB_FAIL("backend nccl: this motlab was built without NCCL (a CPU LibTorch); use ",
                  "trainer.dist_backend=gloo");
#endif
    } else {
      auto gloo_options = c10d::ProcessGroupGloo::Options::create(s.timeout);
      const std::string interfaces = env_text("GLOO_SOCKET_IFNAME");
      if (!interfaces.empty()) {
        for (const auto& name : split_nonempty(interfaces, ','))
          gloo_options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(name));
      } else if (placement.master_addr == "localhost" ||
                 placement.master_addr.rfind("127.", 0) == 0) {
        gloo_options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface("lo"));
      } else {
        gloo_options->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
      }
      gloo_options->threads = 1;  // one collective in flight at a time
      s.group = c10::make_intrusive<c10d::ProcessGroupGloo>(s.store, placement.rank,
                                                            placement.world_size, gloo_options);
    }
  } catch (const motlab::Error&) {
    throw;
  } catch (const std::exception& e) {
    MOTLAB_FAIL("rank ", placement.rank, ": cannot create the ", backend, " process group of ",
                placement.world_size, " ranks at ", where, ": ", error_text(e));
  }
  s.stop = false;
  s.heartbeat = std::thread([placement] {
    try {
      auto store = connect_store(placement, false, false, 5000ms);
      const std::string key = kAlive + std::to_string(placement.rank);
      while (!state().stop) {
        store->add(key, 1);
        std::this_thread::sleep_for(kHeartbeatPeriod);
      }
    } catch (const std::exception&) {
      // The store is gone (rank 0 ended): nothing left to tell.
    }
  });
  log::info("dist", "rank " + std::to_string(placement.rank) + "/" +
                        std::to_string(placement.world_size) + " (local " +
                        std::to_string(placement.local_rank) + ", " +
                        (placement.launcher.empty() ? "motlab" : placement.launcher) + "), " +
                        backend + " via " + where);
#endif
}

void shutdown() {
  State& s = state();
  s.stop = true;
  if (s.heartbeat.joinable()) s.heartbeat.join();
#ifdef MOTLAB_WITH_GLOO
  s.group.reset();
  s.store.reset();
#endif
  s.placement = Placement{};
  s.primary_first_calls = 0;
}

bool active() { return group_exists(); }
double communication_seconds() { return state().communication_s; }
int rank() { return group_exists() ? state().placement.rank : 0; }
int world_size() { return group_exists() ? state().placement.world_size : 1; }
bool is_primary() { return rank() == 0; }
std::string backend() { return group_exists() ? state().backend : ""; }
const Placement& placement() { return state().placement; }

void all_reduce_sum(std::vector<torch::Tensor>& tensors) {
  if (!group_exists() || tensors.empty()) return;
#ifdef MOTLAB_WITH_GLOO
  collective("all-reduce", [&](GroupBase& group) {
    for (auto& t : tensors) {
      std::vector<torch::Tensor> one{on_backend_device(t)};
      wait(group.allreduce(one));
      if (!one[0].is_same(t)) t.copy_(one[0]);
    }
  });
#endif
}

void all_reduce_max(torch::Tensor& tensor) {
  if (!group_exists()) return;
#ifdef MOTLAB_WITH_GLOO
  collective("all-reduce (max)", [&](GroupBase& group) {
    std::vector<torch::Tensor> one{on_backend_device(tensor)};
    c10d::AllreduceOptions options;
    options.reduceOp = c10d::ReduceOp::MAX;
    wait(group.allreduce(one, options));
    if (!one[0].is_same(tensor)) tensor.copy_(one[0]);
  });
#endif
}

void broadcast(std::vector<torch::Tensor>& tensors, int root) {
  if (!group_exists() || tensors.empty()) return;
#ifdef MOTLAB_WITH_GLOO
  collective("broadcast", [&](GroupBase& group) {
    c10d::BroadcastOptions options;
    options.rootRank = root;
    for (auto& t : tensors) {
      std::vector<torch::Tensor> one{on_backend_device(t)};
      wait(group.broadcast(one, options));
      if (!one[0].is_same(t)) t.copy_(one[0]);
    }
  });
#endif
}

torch::Tensor all_gather(const torch::Tensor& local) {
  if (!group_exists()) return local;
  torch::Tensor input = on_backend_device(local.detach().contiguous());
#ifdef MOTLAB_WITH_GLOO
  std::vector<std::vector<torch::Tensor>> outputs(1);
  for (int k = 0; k < world_size(); ++k) outputs[0].push_back(torch::empty_like(input));
  std::vector<torch::Tensor> inputs{input};
  collective("all-gather", [&](GroupBase& group) { wait(group.allgather(outputs, inputs)); });
  return torch::cat(outputs[0], 0).to(local.device());
#else
  return input;
#endif
}

void barrier() {
  if (!group_exists()) return;
#ifdef MOTLAB_WITH_GLOO
  collective("barrier", [&](GroupBase& group) { wait(group.barrier()); });
#endif
}

void store_set(const std::string& key, const std::string& value) {
  if (!group_exists()) return;
#ifdef MOTLAB_WITH_GLOO
  state().store->set(key, std::vector<uint8_t>(value.begin(), value.end()));
#endif
}

std::string store_get(const std::string& key) {
  MOTLAB_CHECK(group_exists(), "dist: store_get('", key, "') without a process group");
#ifdef MOTLAB_WITH_GLOO
  try {
    const auto bytes = state().store->get(key);
    return std::string(bytes.begin(), bytes.end());
  } catch (const std::exception& e) {
    MOTLAB_FAIL("rank ", rank(), ": waiting for '", key,
                "' from the other ranks failed: ", stopped_ranks(), " [", error_text(e), "]");
  }
#else
  return "";
#endif
}

void report_failure(const std::string& message) {
  if (!group_exists()) return;
  try {
    store_set(kFailed + std::to_string(rank()), message);
  } catch (const std::exception&) {
    // The store is gone: the others learn it from their own failed collective.
  }
}

void primary_first(const std::function<void()>& fn) {
  if (!group_exists()) {
    fn();
    return;
  }
#ifdef MOTLAB_WITH_GLOO
  State& s = state();
  const std::string key = "motlab/primary_first/" + std::to_string(s.primary_first_calls++);
  if (rank() == 0) {
    try {
      fn();
    } catch (const std::exception& e) {
      store_set(key, "error: " + error_text(e));
      throw;
    }
    store_set(key, "ok");
    return;
  }
  // Rank 0 may take long (filling a cache): wait while its heartbeat advances.
  int64_t last_beat = -1;
  auto last_change = std::chrono::steady_clock::now();
  while (true) {
    try {
      if (s.store->check({key})) break;
      const int64_t beat = s.store->add(kAlive + "0", 0);
      if (beat != last_beat) {
        last_beat = beat;
        last_change = std::chrono::steady_clock::now();
      }
    } catch (const std::exception& e) {
      MOTLAB_FAIL("rank ", rank(), ": rank 0 stopped while preparing what the ranks share (",
                  error_text(e), ")");
    }
    MOTLAB_CHECK(std::chrono::steady_clock::now() - last_change < 10s, "rank ", rank(),
                 ": rank 0 stopped (no heartbeat for 10 s) while preparing what the ranks share");
    std::this_thread::sleep_for(100ms);
  }
  const std::string outcome = store_get(key);
  MOTLAB_CHECK(outcome == "ok", "rank ", rank(), ": rank 0 failed first: ", outcome);
  fn();
#endif
}

int free_local_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  MOTLAB_CHECK(fd >= 0, "cannot open a socket to find a free port");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof(address);
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
                  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0;
  ::close(fd);
  MOTLAB_CHECK(ok, "cannot find a free TCP port on 127.0.0.1");
  return ntohs(address.sin_port);
}

}  // namespace motlab::dist
