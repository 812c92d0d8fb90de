#include <catch2/catch.hpp>

#include "experiment_files.hpp"
#include "graft/plugin.hpp"
#include "support/run_graft.hpp"
#include "support/temp_folder.hpp"

using graft::testing::run_graft;

TEST_CASE("a plugin of another ABI version is refused by name while the others load") {
  graft::testing::TempFolder folder("cli-plugins");
  const auto listed = run_graft(folder.path(), {"plugins", "list", "--plugin-path", GRAFT_HOST_TEST_PLUGIN_DIR});
  CHECK(listed.status == 0);
  CHECK_THAT(listed.out, Catch::Contains("small_cnn"));
  CHECK_THAT(listed.out, Catch::Contains("test_linear"));  // the good test plugin beside the broken ones
  CHECK_THAT(listed.err, Catch::Contains("graft_host_test_other_abi.so: built for graft SDK ABI " +
                                         std::to_string(graft::kSdkAbiVersion + 1) + ", this graft uses ABI " +
                                         std::to_string(graft::kSdkAbiVersion)));

  // The same folder given to an experiment: the run goes on with the plugins that loaded.
  const auto file = graft::testing::write_tiny_experiment(
      folder.path(), std::string("\n[plugins]\npaths = [\"") + GRAFT_HOST_TEST_PLUGIN_DIR + "\"]\n");
  const auto validated = run_graft(folder.path(), {"validate", file.string()});
  CHECK(validated.status == 0);
  CHECK_THAT(validated.err, Catch::Contains("ABI " + std::to_string(graft::kSdkAbiVersion + 1)));
}

TEST_CASE("plugins describe shows every parameter with type, default and doc") {
  graft::testing::TempFolder folder("cli-describe");
  const auto described = run_graft(folder.path(), {"plugins", "describe", "idx"});
  CHECK(described.status == 0);
  CHECK_THAT(described.out, Catch::Contains("validation_fraction"));
  CHECK_THAT(described.out, Catch::Contains("required"));
  const auto unknown = run_graft(folder.path(), {"plugins", "describe", "smal_cnn"});
  CHECK(unknown.status == 2);
  CHECK_THAT(unknown.err, Catch::Contains("did you mean 'small_cnn'?"));
}
