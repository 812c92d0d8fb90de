// `graft new plugin --kind K --name NAME [--dir DIR]`: writes a plugin project that builds against
// the installed SDK (find_package(graft)), with a unit test, sample data and an experiment that
// uses it. The templates are compiled in (scaffold/), so graft and its scaffolds never disagree.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <system_error>

// std::filesystem inside Boost.DLL, as in the host (graft_host sets it for its own sources).
#define BOOST_DLL_USE_STD_FS
#include <boost/dll/runtime_symbol_info.hpp>
#include <fmt/format.h>

#include "cli/command.hpp"
#include "cli/training_commands.hpp"
#include "graft/errors.hpp"
#include "host/registry.hpp"
#include "scaffold/scaffold.hpp"

namespace graft::cli {
namespace {
namespace fs = std::filesystem;

struct NewPluginOptions {
  std::string kind;
  std::string name;
  std::string dir;  // empty: ./NAME
};

// Refuses to mix the scaffold into files someone already has.
void check_destination(const fs::path& folder) {
  std::error_code error;
  if (!fs::exists(folder, error)) return;
  if (!fs::is_directory(folder, error))
    throw InputError(fmt::format("{} exists and is not a folder; choose another --dir", folder.string()));
  if (!fs::is_empty(folder, error)) {
    throw InputError(fmt::format("{} already exists and is not empty; choose another --dir, or remove it to start over",
                                 folder.string()));
  }
}

void write_file(const fs::path& path, const std::string& content) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << content;
  if (!out.flush()) throw InputError(fmt::format("cannot write {}", path.string()));
}

// What to pass as CMAKE_PREFIX_PATH: this graft's own prefix when it is an installed one (the
// CMake package beside it), else a placeholder saying how to get one.
std::string prefix_hint() {
  std::error_code error;
  const fs::path prefix = (boost::dll::program_location(error).parent_path() / "..").lexically_normal();
  if (!error && fs::exists(prefix / GRAFT_INSTALL_LIBDIR / "cmake" / "graft" / "graftConfig.cmake", error))
    return prefix.string();
  return "<graft's install prefix: cmake --install BUILD --prefix DIR>";
}

void run_new_plugin(const NewPluginOptions& options, Context& context) {
  if (const std::string problem = scaffold::check_plugin_name(options.name); !problem.empty())
    throw InputError(fmt::format("invalid plugin name '{}': {}", options.name, problem));
  const PluginKind kind = *host::kind_from_name(options.kind);  // CLI11 checked the choice
  const fs::path folder = options.dir.empty() ? fs::path(options.name) : fs::path(options.dir);
  check_destination(folder);

  for (const auto& file : scaffold::project_files(kind, options.name)) write_file(folder / file.path, file.content);

  const std::string folder_text = folder.string();
  std::cout << fmt::format(
      "created {0}/: the {1} plugin '{2}', its unit test, sample data and an experiment using it\n"
      "next:\n"
      "  cd {0}\n"
      "  cmake -S . -B build -G Ninja -DCMAKE_PREFIX_PATH={3}\n"
      "  cmake --build build && ctest --test-dir build --output-on-failure\n"
      "  GRAFT_PLUGIN_PATH=$PWD/build/plugins graft run experiment.toml\n"
      "(README.md in the folder says more)\n",
      folder_text, kind_name(kind), options.name, prefix_hint());
  context.exit_status = 0;
}

}  // namespace

void add_new_command(CLI::App& app, Context& context) {
  auto options = std::make_shared<NewPluginOptions>();
  CLI::App* create = app.add_subcommand("new", summary_of("new"));
  create->require_subcommand(1);
  CLI::App* plugin = create->add_subcommand(
      "plugin", "Write a plugin project (source, CMakeLists.txt, unit test, sample data, experiment) that builds "
                "against the installed graft SDK");
  plugin->add_option("--kind", options->kind, "What the plugin provides")
      ->required()
      ->check(CLI::IsMember({"model", "dataset", "strategy", "scheduler"}));
  plugin->add_option("--name", options->name, "The plugin's name in experiments (lowercase, digits, '_')")->required();
  plugin->add_option("--dir", options->dir, "Folder to create (default: ./NAME); must be new or empty");
  plugin->callback([options, &context] { run_new_plugin(*options, context); });
}

}  // namespace graft::cli
