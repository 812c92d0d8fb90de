// Text forms of the store's small value types.
#include <array>
#include <utility>

#include <fmt/format.h>

#include "graft/storage/store.hpp"

namespace graft::storage {
namespace {

// One table for both directions, in the order of RunStatus. These names are what the `status`
// column holds, so they are part of the public schema (docs/querying.md).
constexpr std::array<std::pair<RunStatus, const char*>, 4> kStatusNames{{
    {RunStatus::Running, "running"},
    {RunStatus::Completed, "completed"},
    {RunStatus::Failed, "failed"},
    {RunStatus::Interrupted, "interrupted"},
}};

// The names the `kind` column of `runs` holds (schema 3; docs/querying.md).
constexpr std::array<std::pair<RunKind, const char*>, 2> kKindNames{{
    {RunKind::Train, "train"},
    {RunKind::LrFind, "lr_find"},
}};

}  // namespace

std::string to_text(const Value& value) {
  if (const auto* integer = std::get_if<std::int64_t>(&value)) return std::to_string(*integer);
  // fmt's default for doubles is the shortest text that reads back as the same number.
  if (const auto* real = std::get_if<double>(&value)) return fmt::format("{}", *real);
  if (const auto* text = std::get_if<std::string>(&value)) return *text;
  return {};
}

const char* status_name(RunStatus status) {
  for (const auto& [candidate, name] : kStatusNames) {
    if (candidate == status) return name;
  }
  return "unknown";
}

std::vector<RunStatus> all_statuses() {
  std::vector<RunStatus> statuses;
  for (const auto& entry : kStatusNames) statuses.push_back(entry.first);
  return statuses;
}

std::optional<RunStatus> parse_status(const std::string& name) {
  for (const auto& [status, candidate] : kStatusNames) {
    if (name == candidate) return status;
  }
  return std::nullopt;
}

const char* kind_name(RunKind kind) {
  for (const auto& [candidate, name] : kKindNames) {
    if (candidate == kind) return name;
  }
  return "unknown";
}

std::optional<RunKind> parse_kind(const std::string& name) {
  for (const auto& [kind, candidate] : kKindNames) {
    if (name == candidate) return kind;
  }
  return std::nullopt;
}

std::vector<RunKind> all_kinds() {
  std::vector<RunKind> kinds;
  for (const auto& entry : kKindNames) kinds.push_back(entry.first);
  return kinds;
}

}  // namespace graft::storage
