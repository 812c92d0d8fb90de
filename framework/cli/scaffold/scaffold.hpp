#pragma once
// The templates of `graft new plugin`: a small project that builds a plugin against the installed
// SDK, tests it and runs it in an experiment. project.cpp holds what every kind shares
// (CMakeLists.txt, README.md, the test harness, the [experiment] and [train] tables, the sample
// data); model.cpp, dataset.cpp, strategy.cpp and scheduler.cpp hold what only their kind needs.
// Templates are raw strings with placeholders: @name@ (the plugin's name), @Class@ (its C++
// class), @kind@ (model, dataset, ...).
#include <filesystem>
#include <string>
#include <vector>

#include "graft/plugin.hpp"

namespace graft::cli::scaffold {

struct File {
  std::filesystem::path path;  // relative to the project folder
  std::string content;         // text, or bytes (IDX sample data)
};

// The sample data an experiment reads from data/: the same three classes of 8x8 images (a bright
// band per class) as IDX files for the built-in `idx` dataset, or as CSV for a scaffolded dataset.
enum class SampleData { Idx, Csv };

struct KindTemplate {
  const char* summary;   // README's opening: what this plugin does
  const char* source;    // src/@name@.cpp
  const char* test;      // tests/@name@_test.cpp
  const char* tables;    // experiment.toml: the plugin tables ([model], [dataset], ...)
  const char* contract;  // README: what the plugin must guarantee to graft
  SampleData data;
};

const KindTemplate& model_template();
const KindTemplate& dataset_template();
const KindTemplate& strategy_template();
const KindTemplate& scheduler_template();

// Tables of built-in plugins that several kinds' experiments use for the other roles.
extern const char* const kSmallCnnTable;
extern const char* const kIdxTable;

// Empty when `name` can name a plugin (its TOML name, library graft_NAME.so, CMake target and
// C++ class all derive from it), else why not.
std::string check_plugin_name(const std::string& name);

// Every file of the project for a plugin of `kind` named `name` (checked by check_plugin_name).
std::vector<File> project_files(PluginKind kind, const std::string& name);

}  // namespace graft::cli::scaffold
