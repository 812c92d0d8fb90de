#include <catch2/catch.hpp>

#include "host/discovery.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using graft::host::find_plugin_files;
using graft::host::looks_like_shared_library;
using graft_test::kPluginDir;

TEST_CASE("folder scans consider only names that look like shared libraries") {
  for (const char* name : {"graft_resnet.so", "libgraft_x.so.1", "libgraft_x.so.1.2.3", "graft_x.dylib", "/a/b/x.so"})
    CHECK(looks_like_shared_library(name));
  for (const char* name : {"notes.txt", "x.so.txt", "x.sox", "x.so.", "x.so.1a", ".so", "x.dll", "so"})
    CHECK_FALSE(looks_like_shared_library(name));
}

TEST_CASE("find_plugin_files lists a folder's libraries sorted, and named files whatever their name") {
  const auto found = find_plugin_files({kPluginDir, kPluginDir / "README.txt"});
  CHECK(found.problems.empty());
  const std::vector<fs::path> expected{
      kPluginDir / "graft_host_test_good.so",        kPluginDir / "graft_host_test_missing_symbol.so",
      kPluginDir / "graft_host_test_no_entry.so",    kPluginDir / "graft_host_test_other_abi.so",
      kPluginDir / "graft_host_test_other_fingerprint.so", kPluginDir / "graft_host_test_other_kind.so",
      kPluginDir / "graft_host_test_throwing.so",    kPluginDir / "notes.so",
      kPluginDir / "README.txt"};
  CHECK(found.files == expected);
}

TEST_CASE("a scan entry that does not exist is a problem naming it") {
  const fs::path missing = kPluginDir / "no-such-folder";
  const auto found = find_plugin_files({missing});
  CHECK(found.files.empty());
  REQUIRE(found.problems.size() == 1);
  CHECK(found.problems[0].file == missing);
  CHECK(found.problems[0].message == missing.string() + ": no such plugin folder or file");
}

TEST_CASE("default_search_path ends with the folders of GRAFT_PLUGIN_PATH") {
  const graft_test::ScopedEnv env("GRAFT_PLUGIN_PATH", "/opt/a::/opt/b:");  // empty entries are skipped
  const auto path = graft::host::default_search_path();

  // The built-in folder comes first, and only when it exists (not in an engine-less build).
  REQUIRE((path.size() == 2 || path.size() == 3));
  CHECK(path[path.size() - 2] == "/opt/a");
  CHECK(path[path.size() - 1] == "/opt/b");
  if (path.size() == 3) {
    CHECK(fs::is_directory(path[0]));
    CHECK(path[0].string().find("lib/graft/plugins") != std::string::npos);
  }
}
