#pragma once
// Which process of a data-parallel job this one is, read from the environment the launcher left:
// torchrun's (RANK, LOCAL_RANK, WORLD_SIZE, LOCAL_WORLD_SIZE, MASTER_ADDR, MASTER_PORT), which
// `graft run --nproc-per-node` sets for its ranks too, or a Slurm step's (SLURM_PROCID,
// SLURM_LOCALID, SLURM_NTASKS, SLURM_NODELIST), mapped as PyTorch Lightning maps them. Free of
// LibTorch: the launcher reads and writes these names too.
#include <functional>
#include <optional>
#include <string>

namespace graft::distributed {

struct World {
  int rank = 0;
  int local_rank = 0;
  int size = 1;
  int local_size = 1;
  std::string master_addr = "127.0.0.1";
  int master_port = 0;
  std::string launcher;  // "torchrun" (graft's own launcher too) or "slurm"

  bool primary() const { return rank == 0; }
};

using EnvironmentLookup = std::function<std::optional<std::string>(const char* name)>;
// The process's own environment.
std::optional<std::string> process_environment(const char* name);

// The job this process belongs to; nullopt when it runs alone (no launcher's variables, or a
// Slurm step of one task). torchrun's variables win over Slurm's: torchrun inside an srun step
// starts ranks of its own. Throws InputError for variables that are there but unusable (a rank
// out of range, a port that is not a number), naming the variable.
std::optional<World> world_from_environment(const EnvironmentLookup& lookup = process_environment);

// The first host of a Slurm node list: "node[07-09,12],gpu3" -> "node07"; "a,b" -> "a".
std::string first_slurm_host(const std::string& nodelist);

// The rendezvous port of a Slurm job without MASTER_PORT, as Lightning picks it: 15000 plus the
// job id's last four digits, so every task of the job computes the same one.
int slurm_default_port(const std::string& job_id);

}  // namespace graft::distributed
