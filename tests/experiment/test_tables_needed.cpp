// A plugin whose descriptor says it needs another table (distillation needs [teacher]) is refused
// when the experiment has none, at the place the plugin is named, before anything runs.
#include <catch2/catch.hpp>

#include "fake_catalog.hpp"

using namespace graft;
using namespace graft::experiment;
using namespace graft::experiment::testing;

namespace {

// The fake catalog plus an optional [teacher] model table and a strategy "distill" that needs it.
const SchemaCatalog& catalog_with_teacher() {
  static const SchemaCatalog catalog = [] {
    SchemaCatalog out = fake_catalog();
    out.plugin_tables["teacher"] = PluginKind::Model;
    out.optional_tables = {"teacher"};
    static const ParamSchema distill_schema = {float_param("alpha", 0.5, "soft weight").between(0, 1)};
    const auto find = out.find_plugin;
    out.find_plugin = [find](PluginKind kind, const std::string& name) -> const ParamSchema* {
      if (kind == PluginKind::Strategy && name == "distill") return &distill_schema;
      return find(kind, name);
    };
    const auto names = out.plugin_names;
    out.plugin_names = [names](PluginKind kind) {
      auto all = names(kind);
      if (kind == PluginKind::Strategy) all.push_back("distill");
      return all;
    };
    out.tables_needed = [](PluginKind kind, const std::string& name) {
      std::vector<std::pair<std::string, std::string>> tables;
      if (kind == PluginKind::Strategy && name == "distill") tables.emplace_back("teacher", "the model it learns from");
      return tables;
    };
    return out;
  }();
  return catalog;
}

std::string error_with_teacher_catalog(const std::string& toml) {
  try {
    resolve(ExperimentFile::parse(toml, "exp.toml", {}), catalog_with_teacher());
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "no error";
}

const std::string kTeacher = "\n[teacher]\nplugin = \"small_cnn\"\n";

}  // namespace

TEST_CASE("a strategy that needs [teacher] is refused without one, at its plugin value", "[experiment][errors]") {
  CHECK(error_with_teacher_catalog(std::string(kBase) + "\n[strategy]\nplugin = \"distill\"\n") ==
        "exp.toml:13:10: error: strategy plugin 'distill' of [strategy] needs a [teacher] table (the model it learns "
        "from); add one, or choose another strategy");
  CHECK(error_with_teacher_catalog(std::string(kBase) + "\n[strategy]\nplugin = \"distill\"\n" + kTeacher) ==
        "no error");
}

TEST_CASE("a swept strategy that needs [teacher] is refused at its value in [sweep]", "[experiment][errors]") {
  const std::string swept = std::string(kBase) + "\n[sweep]\n\"strategy.plugin\" = [\"full\", \"distill\"]\n";
  CHECK(error_with_teacher_catalog(swept) ==
        "exp.toml:13:30: error: strategy plugin 'distill' of [strategy] needs a [teacher] table (the model it learns "
        "from); add one, or choose another strategy");
  CHECK(error_with_teacher_catalog(swept + kTeacher) == "no error");
}
