// The experiment files users copy from experiments/ must keep validating as keys and plugins
// change: each goes through `graft validate` (the schema check; their data need not be present).
#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "support/run_graft.hpp"
#include "support/temp_folder.hpp"

namespace fs = std::filesystem;

TEST_CASE("every experiment file under experiments/ passes graft validate") {
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(fs::path(GRAFT_SOURCE_DIR) / "experiments"))
    if (entry.path().extension() == ".toml") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() >= 8);  // none found means the walk broke, not that all is well
  graft::testing::TempFolder folder("experiment-files");
  for (const auto& file : files) {
    const auto finished = graft::testing::run_graft(folder.path(), {"validate", file.string()});
    INFO(file.string() << ":\n" << finished.err);
    CHECK(finished.status == 0);
  }
}
