#include "cli/rank_join.hpp"

#include <fmt/format.h>

#include "graft/errors.hpp"
#include "graft/log.hpp"

namespace graft::cli {

std::optional<distributed::World> job_of_this_process(int ranks_requested) {
  auto world = distributed::world_from_environment();
  if (!world) return world;
  if (ranks_requested > 1) {
    throw InputError(fmt::format("--nproc-per-node inside a job that {} started (rank {} of {}): the launcher "
                                 "already started the ranks; drop --nproc-per-node",
                                 world->launcher, world->rank, world->size));
  }
  if (!world->primary() && log::level() < log::Level::Warning) log::set_level(log::Level::Warning);
  return world;
}

std::unique_ptr<distributed::Rendezvous> join_job(const distributed::World& world, std::chrono::seconds timeout,
                                                  engine::RunOptions& options) {
  auto rendezvous = std::make_unique<distributed::Rendezvous>(world, timeout);
  options.rendezvous = rendezvous.get();
  if (!world.primary()) options.show_progress = false;
  return rendezvous;
}

}  // namespace graft::cli
