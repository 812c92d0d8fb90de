#include <cstdlib>

#include "cli/command.hpp"

namespace graft::cli {

std::string Context::store_path() const {
  if (!db.empty()) return db;
  if (const char* env = std::getenv("GRAFT_DB"); env && *env) return env;
  return "graft.db";
}

}  // namespace graft::cli
