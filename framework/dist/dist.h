// Data-parallel processes on LibTorch's own c10d: a TCPStore rendezvous and a ProcessGroupGloo
// (CPU) or ProcessGroupNCCL (CUDA) process group, one per process, as torch.distributed's
// default group. Ranks find each other the way PyTorch users expect:
//   torchrun  RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR, MASTER_PORT
//   srun      SLURM_PROCID, SLURM_NTASKS, SLURM_LOCALID, first host of SLURM_JOB_NODELIST
//             (MASTER_PORT if set, else 29500 + SLURM_JOB_ID % 20000)
// and motlab's own local launcher (trainer.nproc_per_node) sets torchrun's variables.
//
// A rank that dies makes the others fail their next collective: the error names the ranks that
// stopped (their heartbeat in the store stopped, or they recorded an error there) instead of
// hanging; every collective also has the group's timeout.
#pragma once
#include <torch/torch.h>

#include <string>
#include <vector>

namespace motlab::dist {

// Where this process sits in a data-parallel job.
struct Placement {
  int rank = 0;
  int world_size = 1;
  int local_rank = 0;
  int local_world_size = 1;
  std::string master_addr = "127.0.0.1";
  int master_port = 29500;
  std::string launcher;  // "torchrun" (its variables, also motlab's launcher) | "srun" | ""
};

// From the environment; "" launcher and world size 1 when none is set. A malformed variable is
// an error naming it, its value and what was expected.
Placement placement_from_environment();
// "node[01-04,07],gpu2" -> "node01"; "a,b" -> "a".
std::string first_host_of_nodelist(const std::string& nodelist);

struct GroupSettings {
  std::string backend = "auto";  // auto (nccl on CUDA, gloo on CPU) | gloo | nccl
  double timeout_s = 600;        // rendezvous and every collective
};

// Sets up the process-wide group (nothing for world size 1). Throws naming the address when the
// rendezvous fails (a rank did not join within the timeout).
void initialize(const Placement& placement, const GroupSettings& options, torch::Device device);
void shutdown();

bool active();  // a group with world size > 1 exists
int rank();
int world_size();
bool is_primary();  // rank 0, or no group
std::string backend();
const Placement& placement();

// Collectives on the process-wide group. They block until done; a failure (a peer died, the
// timeout passed) throws an Error naming the ranks that stopped. No-ops without a group.
void all_reduce_sum(std::vector<torch::Tensor>& tensors);
void all_reduce_max(torch::Tensor& tensor);
void broadcast(std::vector<torch::Tensor>& tensors, int root = 0);
// [world * B, ...] from [B, ...] on every rank (equal shapes on every rank; no gradient).
torch::Tensor all_gather(const torch::Tensor& local);
void barrier();
// Seconds this process spent inside collectives so far (waiting for slower ranks included).
double communication_seconds();

// The store shared by the ranks (rank 0 hosts it): small strings, e.g. the run directory.
void store_set(const std::string& key, const std::string& value);
std::string store_get(const std::string& key);  // waits for the key (up to the timeout)

// Records this rank's error in the store so the others name it when they stop.
void report_failure(const std::string& message);

// Runs `fn` on rank 0 first and on the other ranks after it finished (e.g. a cache rank 0
// fills and the others read). A failure on rank 0 stops the others with its message.
void primary_first(const std::function<void()>& fn);

// A free TCP port on this host (for a local launcher's MASTER_PORT).
int free_local_port();

}  // namespace motlab::dist
