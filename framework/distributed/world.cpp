#include "distributed/world.hpp"

#include <cstdlib>

#include <fmt/format.h>

#include "graft/errors.hpp"

namespace graft::distributed {
namespace {

int integer(const EnvironmentLookup& lookup, const char* name, int lowest, std::optional<int> fallback = std::nullopt) {
  const auto text = lookup(name);
  if (!text) {
    if (fallback) return *fallback;
    throw InputError(fmt::format("{} is not set, but the other variables of a distributed launch are", name));
  }
  std::size_t used = 0;
  int value = 0;
  try {
    value = std::stoi(*text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text->size() || value < lowest) {
    throw InputError(fmt::format("{}={} is not a whole number of at least {}", name, *text, lowest));
  }
  return value;
}

void check(const World& world) {
  if (world.rank >= world.size) {
    throw InputError(fmt::format("rank {} is not below the world size {}", world.rank, world.size));
  }
  if (world.local_rank >= world.local_size) {
    throw InputError(fmt::format("local rank {} is not below the local world size {}", world.local_rank,
                                 world.local_size));
  }
  if (world.master_port < 1 || world.master_port > 65535) {
    throw InputError(fmt::format("MASTER_PORT {} is not a TCP port (1-65535)", world.master_port));
  }
}

std::optional<World> torchrun_world(const EnvironmentLookup& lookup) {
  if (!lookup("RANK") && !lookup("WORLD_SIZE")) return std::nullopt;
  World world;
  world.launcher = "torchrun";
  world.rank = integer(lookup, "RANK", 0);
  world.size = integer(lookup, "WORLD_SIZE", 1);
  world.local_rank = integer(lookup, "LOCAL_RANK", 0, world.rank);
  world.local_size = integer(lookup, "LOCAL_WORLD_SIZE", 1, world.size);
  world.master_addr = lookup("MASTER_ADDR").value_or("127.0.0.1");
  world.master_port = integer(lookup, "MASTER_PORT", 1);
  return world;
}

// "2(x3),1" -> 2: the tasks of the first node, the one SLURM_TASKS_PER_NODE describes first.
int leading_count(const std::string& text) {
  std::size_t end = 0;
  while (end < text.size() && text[end] >= '0' && text[end] <= '9') ++end;
  return end == 0 ? 1 : std::stoi(text.substr(0, end));
}

std::optional<World> slurm_world(const EnvironmentLookup& lookup) {
  if (!lookup("SLURM_PROCID") || !lookup("SLURM_NTASKS")) return std::nullopt;
  World world;
  world.size = integer(lookup, "SLURM_NTASKS", 1);
  if (world.size == 1) return std::nullopt;  // one task: a plain process that happens to run under Slurm
  world.launcher = "slurm";
  world.rank = integer(lookup, "SLURM_PROCID", 0);
  world.local_rank = integer(lookup, "SLURM_LOCALID", 0, 0);
  if (const auto per_node = lookup("SLURM_NTASKS_PER_NODE")) {
    world.local_size = leading_count(*per_node);
  } else if (const auto per_node_list = lookup("SLURM_TASKS_PER_NODE")) {
    world.local_size = leading_count(*per_node_list);
  } else {
    world.local_size = world.size;
  }
  const auto nodelist = lookup("SLURM_NODELIST");
  if (const auto addr = lookup("MASTER_ADDR")) {
    world.master_addr = *addr;
  } else if (nodelist) {
    world.master_addr = first_slurm_host(*nodelist);
  }
  if (lookup("MASTER_PORT")) {
    world.master_port = integer(lookup, "MASTER_PORT", 1);
  } else if (const auto job = lookup("SLURM_JOB_ID")) {
    world.master_port = slurm_default_port(*job);
  } else {
    throw InputError("a Slurm step of several tasks without MASTER_PORT or SLURM_JOB_ID: set MASTER_PORT");
  }
  return world;
}

}  // namespace

std::optional<std::string> process_environment(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

std::optional<World> world_from_environment(const EnvironmentLookup& lookup) {
  auto world = torchrun_world(lookup);
  if (!world) world = slurm_world(lookup);
  if (world) check(*world);
  return world;
}

std::string first_slurm_host(const std::string& nodelist) {
  // The first entry ends at the first comma outside brackets.
  std::size_t end = 0;
  for (int depth = 0; end < nodelist.size(); ++end) {
    if (nodelist[end] == '[') ++depth;
    if (nodelist[end] == ']') --depth;
    if (nodelist[end] == ',' && depth == 0) break;
  }
  const std::string first = nodelist.substr(0, end);
  const auto open = first.find('[');
  if (open == std::string::npos) return first;
  // "node[07-09,12]": the prefix and the range's first number, zero padding kept.
  std::size_t digits = open + 1;
  while (digits < first.size() && first[digits] >= '0' && first[digits] <= '9') ++digits;
  return first.substr(0, open) + first.substr(open + 1, digits - open - 1);
}

int slurm_default_port(const std::string& job_id) {
  const std::string tail = job_id.size() > 4 ? job_id.substr(job_id.size() - 4) : job_id;
  int value = 0;
  for (char c : tail) {
    if (c < '0' || c > '9') throw InputError(fmt::format("SLURM_JOB_ID={} is not a number: set MASTER_PORT", job_id));
    value = value * 10 + (c - '0');
  }
  return 15000 + value;
}

}  // namespace graft::distributed
