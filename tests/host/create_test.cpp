// Creating plugin objects: parameters reach the factory, objects keep their library, and
// failures name the plugin and its file.
#include <catch2/catch.hpp>

#include "graft/scheduler.hpp"
#include "host/registry.hpp"
#include "test_support.hpp"

using graft::Params;
using graft::PluginContext;
using graft::PluginKind;
using graft::Scheduler;
using graft::host::PluginError;
using graft::host::Registry;
using graft_test::kPluginDir;
using graft_test::library;
using graft_test::scanned;

namespace {

Params defaults_of(const Registry& registry, const std::string& name) {
  return Params::defaults(registry.get(PluginKind::Scheduler, name).schema);
}

}  // namespace

TEST_CASE("create passes the parameters to the plugin's factory") {
  const Registry registry = scanned({kPluginDir});
  Params params = defaults_of(registry, "test_const");
  params.set("value", 0.25);
  const auto constant = registry.create_as<Scheduler>("test_const", params, PluginContext{});
  REQUIRE(constant);
  CHECK(constant->factor(graft::Progress{}) == 0.25);

  params = defaults_of(registry, "test_linear");
  params.set("start_factor", 1.0);
  const auto linear = registry.create_as<Scheduler>("test_linear", params, PluginContext{});
  graft::Progress halfway;
  halfway.step = 5;
  halfway.total_steps = 10;
  CHECK(linear->factor(halfway) == Approx(0.5));
}

TEST_CASE("a created object keeps its library alive after the registry is gone") {
  std::shared_ptr<Scheduler> object;
  std::weak_ptr<void> library_handle;
  {
    const Registry registry = scanned({kPluginDir});
    library_handle = registry.get(PluginKind::Scheduler, "test_const").library;
    object = registry.create_as<Scheduler>("test_const", defaults_of(registry, "test_const"), PluginContext{});
  }
  CHECK_FALSE(library_handle.expired());
  CHECK(object->factor(graft::Progress{}) == 1.0);  // the vtable is in the library
  object.reset();
  CHECK(library_handle.expired());  // the object held the last reference
}

TEST_CASE("a throwing factory becomes a PluginError naming the plugin and its file") {
  const Registry registry = scanned({kPluginDir});
  const std::string file = library("throwing").string();
  CHECK_THROWS_AS(registry.create(PluginKind::Scheduler, "test_throwing", defaults_of(registry, "test_throwing"), {}),
                  PluginError);
  CHECK_THROWS_WITH(registry.create(PluginKind::Scheduler, "test_throwing", defaults_of(registry, "test_throwing"), {}),
                    "scheduler 'test_throwing' (" + file + "): cannot open weights file 'missing.pt'");
  // A missing required parameter is the plugin's ParamError, reported the same way.
  CHECK_THROWS_WITH(registry.create(PluginKind::Scheduler, "test_linear", defaults_of(registry, "test_linear"), {}),
                    "scheduler 'test_linear' (" + library("good").string() + "): parameter 'start_factor' is not set");
}

TEST_CASE("an unknown name lists what exists, with a suggestion for a near miss") {
  const Registry registry = scanned({kPluginDir});
  CHECK_THROWS_AS(registry.create(PluginKind::Scheduler, "test_lineer", Params{}, {}), PluginError);
  CHECK_THROWS_WITH(registry.create(PluginKind::Scheduler, "test_lineer", Params{}, {}),
                    "unknown scheduler plugin 'test_lineer' (did you mean 'test_linear'?); available: test_const, "
                    "test_linear, test_throwing");
  CHECK_THROWS_WITH(registry.create(PluginKind::Scheduler, "cosine", Params{}, {}),
                    "unknown scheduler plugin 'cosine'; available: test_const, test_linear, test_throwing");
  CHECK_THROWS_WITH(registry.create(PluginKind::Model, "resnet", Params{}, {}),
                    "unknown model plugin 'resnet': no model plugins found in " + kPluginDir.string());
  CHECK_THROWS_WITH(Registry().create(PluginKind::Model, "resnet", Params{}, {}),
                    "unknown model plugin 'resnet': no plugin folder was searched");
}
