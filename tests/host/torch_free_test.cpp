// Libraries built without LibTorch (graft_add_plugin TORCH_FREE): schedulers load whatever the
// host's LibTorch, as long as compiler and C++ ABI match; anything else they might claim is refused.
#include <catch2/catch.hpp>

#include "host/registry.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using graft::PluginKind;
using graft::host::LoadProblem;
using graft::host::Registry;
using graft_test::kTorchFreeDir;
using graft_test::torch_free_library;

namespace {

Registry scanned_torch_free() { return graft_test::scanned({kTorchFreeDir}); }

std::vector<std::string> problems_about(const Registry& registry, const fs::path& file) {
  std::vector<std::string> found;
  for (const LoadProblem& problem : registry.problems())
    if (problem.file == file) found.push_back(problem.message);
  return found;
}

}  // namespace

TEST_CASE("a scheduler library built without LibTorch loads, whatever the host's LibTorch") {
  const Registry registry = scanned_torch_free();
  CHECK(problems_about(registry, torch_free_library("schedulers")).empty());
  const auto* linear = registry.find(PluginKind::Scheduler, "test_linear");
  REQUIRE(linear != nullptr);
  CHECK(linear->file == torch_free_library("schedulers"));
  CHECK(linear->schema.size() == 6);
}

TEST_CASE("a library built without LibTorch cannot provide a model") {
  const Registry registry = scanned_torch_free();
  const fs::path file = torch_free_library("model");
  CHECK(registry.find(PluginKind::Model, "test_foreign") == nullptr);
  CHECK(problems_about(registry, file) ==
        std::vector<std::string>{file.string() +
                                 ": plugin #1 of the manifest is a model in a library built without LibTorch "
                                 "(graft_add_plugin TORCH_FREE is for schedulers)"});
}

TEST_CASE("a library built without LibTorch by another compiler is refused naming both fingerprints") {
  const Registry registry = scanned_torch_free();
  const fs::path file = torch_free_library("other_compiler");
  CHECK(problems_about(registry, file) ==
        std::vector<std::string>{file.string() + ": built with 'no libtorch; gcc 3; cxx11abi 1', this graft with '" +
                                 graft::host::host_fingerprint() +
                                 "'; rebuild the plugin with the same LibTorch and compiler"});
}
