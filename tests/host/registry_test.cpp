// Scanning the test folder, where good libraries sit beside libraries broken in one way each.
#include <algorithm>

#include <catch2/catch.hpp>

#include "graft/hash.hpp"
#include "host/registry.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using graft::PluginKind;
using graft::host::DuplicatePluginError;
using graft::host::LoadProblem;
using graft::host::Registry;
using graft_test::kDuplicateDir;
using graft_test::kPluginDir;
using graft_test::library;
using graft_test::scanned;

namespace {

// The one problem about `file`; fails the test when there is not exactly one.
std::string problem_about(const Registry& registry, const fs::path& file) {
  std::vector<std::string> found;
  for (const LoadProblem& problem : registry.problems())
    if (problem.file == file) found.push_back(problem.message);
  REQUIRE(found.size() == 1);
  return found.front();
}

std::vector<std::string> labels(const Registry& registry) {
  std::vector<std::string> out;
  for (const auto* plugin : registry.list()) out.push_back(std::string(kind_name(plugin->kind)) + " " + plugin->name);
  return out;
}

}  // namespace

TEST_CASE("the good plugins load beside the broken ones") {
  const Registry registry = scanned({kPluginDir});
  // Sorted by kind (model, dataset, strategy, scheduler), then name. test_bad_schema's schema
  // threw, so it alone of its library is missing.
  CHECK(labels(registry) == std::vector<std::string>{"strategy test_const", "scheduler test_const",
                                                     "scheduler test_linear", "scheduler test_throwing"});
  CHECK(registry.names(PluginKind::Scheduler) == std::vector<std::string>{"test_const", "test_linear", "test_throwing"});
  CHECK(registry.names(PluginKind::Model).empty());
  CHECK(registry.problems().size() == 6);  // five broken libraries and one broken schema

  const auto* linear = registry.find(PluginKind::Scheduler, "test_linear");
  REQUIRE(linear);
  CHECK(linear->kind == PluginKind::Scheduler);
  CHECK(linear->version == "2.1.0");
  CHECK(linear->summary == "Linear decay to final_factor");
  CHECK(linear->file == library("good"));
  CHECK(linear->sha256 == graft::sha256_file(library("good")));
  CHECK(linear->sha256.size() == 64);
  REQUIRE(linear->schema.size() == 6);
  CHECK(linear->schema[0].key == "final_factor");
  CHECK(linear->schema[5].required());
  CHECK(linear->descriptor != nullptr);
  CHECK(linear->library != nullptr);
  CHECK(registry.find(PluginKind::Scheduler, "test_foreign") == nullptr);
  CHECK(registry.find(PluginKind::Scheduler, "test_unlinked") == nullptr);
  CHECK(registry.find(PluginKind::Model, "test_linear") == nullptr);
}

TEST_CASE("a library of another SDK ABI is refused naming the file and both versions, before its fingerprint") {
  const Registry registry = scanned({kPluginDir});
  const fs::path file = library("other_abi");
  CHECK(problem_about(registry, file) == file.string() + ": built for graft SDK ABI " +
                                             std::to_string(graft::kSdkAbiVersion + 1) + ", this graft uses ABI " +
                                             std::to_string(graft::kSdkAbiVersion) +
                                             "; rebuild the plugin against this SDK");
}

TEST_CASE("a library of another build fingerprint is refused naming the file and both fingerprints") {
  REQUIRE(graft::host::host_fingerprint() == GRAFT_BUILD_FINGERPRINT);
  CHECK(graft::host::host_fingerprint().rfind("libtorch ", 0) == 0);
  const Registry registry = scanned({kPluginDir});
  const fs::path file = library("other_fingerprint");
  CHECK(problem_about(registry, file) == file.string() +
                                             ": built with 'libtorch 2.1; gcc 13; cxx11abi 1', this graft with '" +
                                             graft::host::host_fingerprint() +
                                             "'; rebuild the plugin with the same LibTorch and compiler");
}

TEST_CASE("a library with an undefined symbol fails at load time with the loader's message") {
  const Registry registry = scanned({kPluginDir});
  const fs::path file = library("missing_symbol");
  CHECK(problem_about(registry, file) ==
        file.string() + ": cannot be loaded: undefined symbol: graft_test_function_nobody_defines");
}

TEST_CASE("a shared library without the entry point is not a graft plugin") {
  const Registry registry = scanned({kPluginDir});
  const fs::path file = library("no_entry");
  CHECK(problem_about(registry, file) == file.string() + ": not a graft plugin (no graft_plugin_manifest symbol)");
}

TEST_CASE("a text file named like a library is refused, other names are ignored") {
  const Registry registry = scanned({kPluginDir});
  const fs::path notes = fs::canonical(kPluginDir / "notes.so");
  CHECK_THAT(problem_about(registry, notes), Catch::StartsWith(notes.string() + ": cannot be loaded: "));
  for (const LoadProblem& problem : registry.problems()) CHECK(problem.file.filename() != "README.txt");
}

TEST_CASE("a schema function that throws skips that plugin only") {
  const Registry registry = scanned({kPluginDir});
  const fs::path file = library("throwing");
  CHECK(problem_about(registry, file) == file.string() + ": scheduler 'test_bad_schema': schema failed: schema table is corrupt");
  CHECK(registry.find(PluginKind::Scheduler, "test_throwing") != nullptr);
}

TEST_CASE("a library named explicitly loads whatever its file name") {
  const graft_test::TempDir dir;
  const fs::path renamed = dir.path() / "schedulers.plugin";
  fs::copy_file(library("good"), renamed);
  const Registry registry = scanned({renamed});
  CHECK(registry.problems().empty());
  REQUIRE(registry.find(PluginKind::Scheduler, "test_const"));
  CHECK(registry.find(PluginKind::Scheduler, "test_const")->file == fs::canonical(renamed));
}

TEST_CASE("one library reached twice is loaded once, not a duplicate") {
  SECTION("the same folder twice, and the same file by name") {
    Registry registry = scanned({kPluginDir, kPluginDir, kPluginDir / "graft_host_test_good.so"});
    registry.scan({kPluginDir});
    CHECK(registry.list().size() == 4);
    CHECK(registry.problems().size() == 6);  // each broken library is reported once
  }
  SECTION("a symlink beside its target") {
    const graft_test::TempDir dir;
    fs::copy_file(library("good"), dir.path() / "graft_good.so.1");
    fs::create_symlink("graft_good.so.1", dir.path() / "graft_good.so");
    const Registry registry = scanned({dir.path()});
    CHECK(registry.problems().empty());
    CHECK(registry.list().size() == 2);
  }
}

TEST_CASE("two libraries with one (kind, name) are an error naming both files") {
  const std::string expected = "duplicate scheduler plugin 'test_linear': " + library("good").string() + " and " +
                               graft_test::duplicate_library().string() +
                               "; remove one or take it off the plugin path";
  SECTION("in one scan; the registry is left as it was") {
    Registry registry;
    registry.set_log_problems(false);
    CHECK_THROWS_WITH(registry.scan({kPluginDir, kDuplicateDir}), expected);
    CHECK(registry.list().empty());
  }
  SECTION("across scans; the first scan's plugins stay") {
    Registry registry = scanned({kPluginDir});
    CHECK_THROWS_AS(registry.scan({kDuplicateDir}), DuplicatePluginError);
    CHECK_THROWS_WITH(registry.scan({kDuplicateDir}), expected);
    CHECK(registry.list().size() == 4);
    CHECK(registry.find(PluginKind::Scheduler, "test_linear")->version == "2.1.0");
  }
}

TEST_CASE("a missing folder is a problem, not an error") {
  const fs::path missing = kPluginDir / "no-such-folder";
  const Registry registry = scanned({missing, kDuplicateDir});
  CHECK(problem_about(registry, missing) == missing.string() + ": no such plugin folder or file");
  CHECK(registry.find(PluginKind::Scheduler, "test_linear") != nullptr);
}

TEST_CASE("kind_from_name reads kind_name back") {
  for (PluginKind kind : graft::host::kPluginKinds) CHECK(graft::host::kind_from_name(kind_name(kind)) == kind);
  CHECK(graft::host::kind_from_name("models") == std::nullopt);
}
