#include "host/discovery.hpp"

#include <algorithm>
#include <cstdlib>
#include <regex>
#include <string>
#include <system_error>

#include <boost/dll/runtime_symbol_info.hpp>

namespace graft::host {
namespace fs = std::filesystem;

bool looks_like_shared_library(const fs::path& file) {
  // Versioned names (libfoo.so.1, libfoo.so.1.2.3) are what symlink chains end in.
  static const std::regex kLibraryName(R"(.+\.so(\.[0-9]+)*|.+\.dylib)");
  return std::regex_match(file.filename().string(), kLibraryName);
}

namespace {

void add_folder(const fs::path& folder, PluginFiles& out) {
  std::error_code error;
  std::vector<fs::path> found;
  for (fs::directory_iterator it(folder, error), end; !error && it != end; it.increment(error)) {
    std::error_code type_error;
    // is_regular_file follows symlinks: a link to a library counts, a link to a folder does not.
    if (looks_like_shared_library(it->path()) && fs::is_regular_file(it->path(), type_error)) {
      found.push_back(it->path());
    }
  }
  if (error) {
    out.problems.push_back({folder, folder.string() + ": cannot list plugin folder: " + error.message()});
    return;
  }
  // Sorted, so that load order (and which problem comes first) does not depend on the file system.
  std::sort(found.begin(), found.end());
  out.files.insert(out.files.end(), found.begin(), found.end());
}

}  // namespace

PluginFiles find_plugin_files(const std::vector<fs::path>& entries) {
  PluginFiles out;
  for (const auto& entry : entries) {
    std::error_code error;
    const fs::file_status status = fs::status(entry, error);
    if (fs::is_directory(status)) {
      add_folder(entry, out);
    } else if (fs::exists(status)) {
      out.files.push_back(entry);
    } else {
      out.problems.push_back({entry, entry.string() + ": no such plugin folder or file"});
    }
  }
  return out;
}

std::vector<fs::path> default_search_path() {
  std::vector<fs::path> folders;
  std::error_code error;
  const fs::path executable = boost::dll::program_location(error);
  if (!error) {
    // Build and install trees share this layout: <prefix>/bin/graft, <prefix>/lib/graft/plugins;
    // an installed graft-engine lives one folder deeper, in <prefix>/libexec/graft/. Only those
    // two places count (a test binary elsewhere in the build tree must not pick the built-ins
    // up), and a missing folder (an engine-less build) is not the user's doing: no warning.
    const fs::path here = executable.parent_path();
    const bool in_libexec = here.filename() == "graft" && here.parent_path().filename() == "libexec";
    const fs::path prefix = in_libexec ? here.parent_path().parent_path() : here.parent_path();
    const fs::path builtin = (prefix / "lib" / "graft" / "plugins").lexically_normal();
    if (fs::is_directory(builtin, error)) folders.push_back(builtin);
  }
  if (const char* variable = std::getenv("GRAFT_PLUGIN_PATH")) {
    // Kept even when missing: a folder the user names and we cannot find deserves a warning.
    std::string value = variable;
    std::size_t begin = 0;
    while (begin <= value.size()) {
      const std::size_t end = std::min(value.find(':', begin), value.size());
      if (end > begin) folders.emplace_back(value.substr(begin, end - begin));
      begin = end + 1;
    }
  }
  return folders;
}

}  // namespace graft::host
