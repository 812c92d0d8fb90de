#pragma once
// Files and folders measured and removed, for the commands that free disk space (`graft rm`,
// `graft gc`): each plans what it removes as a list of Removals, prints it (or only prints it,
// with --dry-run), then removes it and reports what was freed.
#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <string>
#include <vector>

namespace graft::cli {

// The size of a file, or of every file under a folder (links are not followed: what a link points
// to is not freed by removing it); 0 for a path that does not exist.
std::uintmax_t bytes_on_disk(const std::filesystem::path& path);

struct Removal {
  std::filesystem::path path;  // a file or a folder
  std::string what;            // for people: "run 3", "orphan run folder", "state.pt of run 7"
  std::uintmax_t bytes = 0;    // bytes_on_disk when planned
};

// A Removal of `path` measured now.
Removal planned_removal(const std::filesystem::path& path, std::string what);
std::uintmax_t total_bytes(const std::vector<Removal>& removals);

struct Freed {
  std::uintmax_t bytes = 0;           // measured before and after each removal
  std::vector<std::string> failures;  // "PATH: reason", one per path not (wholly) removed
};

// Removes every path; one that cannot be removed is a failure, and the others are still removed.
Freed remove_all(const std::vector<Removal>& removals);

// A table of the removals: what, size (format_bytes), path.
void print_removals(std::ostream& out, const std::vector<Removal>& removals);
// Prints each failure to stderr as "warning: cannot remove PATH: reason", with `hint`; returns
// whether there were none.
bool report_failures(const Freed& freed, const std::string& hint);

}  // namespace graft::cli
