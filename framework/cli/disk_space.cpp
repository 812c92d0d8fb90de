#include "cli/disk_space.hpp"

#include <iostream>
#include <system_error>

#include <fmt/format.h>

#include "cli/output.hpp"

namespace graft::cli {

namespace fs = std::filesystem;

std::uintmax_t bytes_on_disk(const fs::path& path) {
  std::error_code error;
  const auto status = fs::symlink_status(path, error);
  if (error || !fs::exists(status) || fs::is_symlink(status)) return 0;
  if (fs::is_regular_file(status)) return fs::file_size(path, error);
  std::uintmax_t bytes = 0;
  // A file that vanishes while it is listed (a run removing its state.pt) counts as 0.
  for (fs::recursive_directory_iterator it(path, error), end; !error && it != end; it.increment(error)) {
    std::error_code file_error;
    if (it->is_regular_file(file_error) && !it->is_symlink(file_error)) {
      const auto size = it->file_size(file_error);
      if (!file_error) bytes += size;
    }
  }
  return bytes;
}

Removal planned_removal(const fs::path& path, std::string what) {
  return Removal{path, std::move(what), bytes_on_disk(path)};
}

std::uintmax_t total_bytes(const std::vector<Removal>& removals) {
  std::uintmax_t bytes = 0;
  for (const auto& removal : removals) bytes += removal.bytes;
  return bytes;
}

Freed remove_all(const std::vector<Removal>& removals) {
  Freed freed;
  for (const auto& removal : removals) {
    const std::uintmax_t before = bytes_on_disk(removal.path);
    std::error_code error;
    fs::remove_all(removal.path, error);
    const std::uintmax_t after = bytes_on_disk(removal.path);
    freed.bytes += before > after ? before - after : 0;
    if (error) freed.failures.push_back(fmt::format("{}: {}", removal.path.string(), error.message()));
  }
  return freed;
}

void print_removals(std::ostream& out, const std::vector<Removal>& removals) {
  Table table{{"what", "size", "path"}, {}};
  for (const auto& removal : removals) {
    table.rows.push_back({removal.what, format_bytes(static_cast<std::int64_t>(removal.bytes)), removal.path.string()});
  }
  print_table(out, table);
}

bool report_failures(const Freed& freed, const std::string& hint) {
  for (const auto& failure : freed.failures) std::cerr << "warning: cannot remove " << failure << '\n';
  if (!freed.failures.empty()) std::cerr << hint << '\n';
  return freed.failures.empty();
}

}  // namespace graft::cli
