// Which rank a process is, from the variables torchrun, graft's launcher or a Slurm step set.
#include <map>
#include <string>

#include <catch2/catch.hpp>

#include "distributed/world.hpp"
#include "graft/errors.hpp"

using graft::distributed::first_slurm_host;
using graft::distributed::slurm_default_port;
using graft::distributed::world_from_environment;

namespace {

graft::distributed::EnvironmentLookup environment(std::map<std::string, std::string> variables) {
  return [variables](const char* name) -> std::optional<std::string> {
    auto it = variables.find(name);
    if (it == variables.end()) return std::nullopt;
    return it->second;
  };
}

}  // namespace

TEST_CASE("no launcher's variables: the process trains alone", "[distributed][world]") {
  CHECK_FALSE(world_from_environment(environment({})));
  CHECK_FALSE(world_from_environment(environment({{"SLURM_PROCID", "0"}, {"SLURM_NTASKS", "1"}})));
}

TEST_CASE("torchrun's variables give the rank and the rendezvous", "[distributed][world]") {
  const auto world = world_from_environment(environment({{"RANK", "3"},
                                                         {"LOCAL_RANK", "1"},
                                                         {"WORLD_SIZE", "4"},
                                                         {"LOCAL_WORLD_SIZE", "2"},
                                                         {"MASTER_ADDR", "node07"},
                                                         {"MASTER_PORT", "29500"}}));
  REQUIRE(world);
  CHECK(world->launcher == "torchrun");
  CHECK(world->rank == 3);
  CHECK(world->local_rank == 1);
  CHECK(world->size == 4);
  CHECK(world->local_size == 2);
  CHECK(world->master_addr == "node07");
  CHECK(world->master_port == 29500);
  CHECK_FALSE(world->primary());
}

TEST_CASE("a Slurm step maps as Lightning maps it", "[distributed][world]") {
  const auto world = world_from_environment(environment({{"SLURM_PROCID", "2"},
                                                         {"SLURM_LOCALID", "0"},
                                                         {"SLURM_NTASKS", "4"},
                                                         {"SLURM_TASKS_PER_NODE", "2(x2)"},
                                                         {"SLURM_NODELIST", "gpu[07-08]"},
                                                         {"SLURM_JOB_ID", "1234567"}}));
  REQUIRE(world);
  CHECK(world->launcher == "slurm");
  CHECK(world->rank == 2);
  CHECK(world->local_rank == 0);
  CHECK(world->size == 4);
  CHECK(world->local_size == 2);
  CHECK(world->master_addr == "gpu07");
  CHECK(world->master_port == 15000 + 4567);
}

TEST_CASE("torchrun inside a Slurm step wins over the step's variables", "[distributed][world]") {
  const auto world = world_from_environment(environment({{"SLURM_PROCID", "0"},
                                                         {"SLURM_NTASKS", "2"},
                                                         {"SLURM_JOB_ID", "1"},
                                                         {"RANK", "5"},
                                                         {"WORLD_SIZE", "8"},
                                                         {"MASTER_PORT", "29400"}}));
  REQUIRE(world);
  CHECK(world->launcher == "torchrun");
  CHECK(world->rank == 5);
  CHECK(world->local_rank == 5);  // LOCAL_RANK unset: one node
}

TEST_CASE("unusable launcher variables are errors that name the variable", "[distributed][world]") {
  CHECK_THROWS_WITH(world_from_environment(environment({{"RANK", "0"}, {"WORLD_SIZE", "2"}})),
                    Catch::Contains("MASTER_PORT is not set"));
  CHECK_THROWS_WITH(world_from_environment(environment({{"RANK", "x"}, {"WORLD_SIZE", "2"}, {"MASTER_PORT", "1"}})),
                    Catch::Contains("RANK=x is not a whole number"));
  CHECK_THROWS_WITH(world_from_environment(environment({{"RANK", "2"}, {"WORLD_SIZE", "2"}, {"MASTER_PORT", "1"}})),
                    Catch::Contains("rank 2 is not below the world size 2"));
  CHECK_THROWS_AS(world_from_environment(environment({{"RANK", "0"}, {"WORLD_SIZE", "2"}, {"MASTER_PORT", "70000"}})),
                  graft::InputError);
}

TEST_CASE("the first host of a Slurm node list", "[distributed][world]") {
  CHECK(first_slurm_host("node[07-09,12],gpu3") == "node07");
  CHECK(first_slurm_host("a,b") == "a");
  CHECK(first_slurm_host("localhost") == "localhost");
  CHECK(first_slurm_host("rack1-[3,5]") == "rack1-3");
  CHECK(slurm_default_port("42") == 15042);
}
