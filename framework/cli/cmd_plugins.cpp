// `graft plugins list`, `graft plugins describe NAME` and `graft plugins doc`: what the plugin path
// provides, the parameters one plugin takes, and the Markdown reference of them all. Each scans
// default_search_path() plus every --plugin-path, and prints the libraries that could not be
// loaded as warnings after its own output.
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "cli/output.hpp"
#include "cli/plugin_reference.hpp"
#include "graft/errors.hpp"
#include "graft/log.hpp"
#include "host/registry.hpp"
#include "host/suggest.hpp"

namespace graft::cli {
namespace {
namespace fs = std::filesystem;
using host::LoadedPlugin;
using host::Registry;
using nlohmann::json;

struct PluginsOptions {
  std::vector<std::string> plugin_paths;  // --plugin-path, after the default search path
  std::string kind;                       // --kind; empty: every kind
  std::string name;                       // describe's NAME
  bool json = false;
};

std::vector<fs::path> search_path(const PluginsOptions& options) {
  std::vector<fs::path> entries = host::default_search_path();
  entries.insert(entries.end(), options.plugin_paths.begin(), options.plugin_paths.end());
  return entries;
}

// Problems are printed by the commands, after their output, where a person sees them.
Registry scan(const PluginsOptions& options) {
  Registry registry;
  registry.set_log_problems(false);
  registry.scan(search_path(options));
  return registry;
}

void warn_problems(const Registry& registry) {
  for (const auto& problem : registry.problems()) log::warn("{}", problem.message);
}

std::optional<PluginKind> parse_kind(const std::string& text) {
  if (text.empty()) return std::nullopt;
  if (auto kind = host::kind_from_name(text)) return kind;
  std::vector<std::string> kinds;
  for (PluginKind kind : host::kPluginKinds) kinds.emplace_back(kind_name(kind));
  throw InputError(fmt::format("unknown plugin kind '{}'{}; kinds: {}", text, host::did_you_mean(text, kinds),
                               host::join(kinds)));
}

// Where plugins were looked for, for messages that found none.
std::string searched_text(const PluginsOptions& options) {
  std::vector<std::string> entries;
  for (const auto& entry : search_path(options)) entries.push_back(entry.string());
  if (entries.empty()) return "no plugin folder was searched (set GRAFT_PLUGIN_PATH or pass --plugin-path)";
  return "searched: " + host::join(entries);
}

// ---- list -------------------------------------------------------------------------------------

void run_list(const PluginsOptions& options, Context& context) {
  const std::optional<PluginKind> kind = parse_kind(options.kind);
  const Registry registry = scan(options);
  std::vector<const LoadedPlugin*> plugins;
  for (const LoadedPlugin* plugin : registry.list())
    if (!kind || plugin->kind == *kind) plugins.push_back(plugin);

  if (options.json) {
    json out{{"plugins", json::array()}, {"problems", json::array()}};
    for (const LoadedPlugin* plugin : plugins) {
      out["plugins"].push_back({{"kind", kind_name(plugin->kind)}, {"name", plugin->name}, {"version", plugin->version},
                                {"summary", plugin->summary}, {"file", plugin->file.string()}, {"sha256", plugin->sha256}});
    }
    for (const auto& problem : registry.problems())
      out["problems"].push_back({{"file", problem.file.string()}, {"message", problem.message}});
    std::cout << out.dump(2) << '\n';
  } else if (plugins.empty()) {
    std::cout << fmt::format("no {}plugins found; {}\n", kind ? std::string(kind_name(*kind)) + " " : "",
                             searched_text(options));
  } else {
    Table table{{"kind", "name", "version", "summary", "file"}, {}};
    for (const LoadedPlugin* plugin : plugins)
      table.rows.push_back({kind_name(plugin->kind), plugin->name, plugin->version, plugin->summary, plugin->file.string()});
    print_table(std::cout, table);
  }
  warn_problems(registry);
  context.exit_status = 0;
}

// ---- describe ---------------------------------------------------------------------------------

// The plugin NAME (of `kind`, if given). Unknown names and names that several kinds share are
// InputErrors that say what to type instead.
const LoadedPlugin& resolve(const Registry& registry, const PluginsOptions& options, std::optional<PluginKind> kind) {
  std::vector<const LoadedPlugin*> matches;
  for (PluginKind candidate : host::kPluginKinds)
    if (const LoadedPlugin* plugin = registry.find(candidate, options.name)) matches.push_back(plugin);

  if (kind) {
    if (const LoadedPlugin* plugin = registry.find(*kind, options.name)) return *plugin;
    if (!matches.empty()) {
      throw InputError(fmt::format("no {} plugin '{}': '{}' is a {} plugin", kind_name(*kind), options.name,
                                   options.name, kind_name(matches.front()->kind)));
    }
    return registry.get(*kind, options.name);  // throws PluginError with "did you mean"
  }
  if (matches.size() == 1) return *matches.front();
  if (matches.size() > 1) {
    std::vector<std::string> kinds;
    for (const LoadedPlugin* plugin : matches) kinds.push_back(std::string("--kind ") + kind_name(plugin->kind));
    throw InputError(fmt::format("'{}' names plugins of {} kinds; choose one with {}", options.name, matches.size(),
                                 host::join(kinds, " or ")));
  }
  std::set<std::string> unique_names;
  for (const LoadedPlugin* plugin : registry.list()) unique_names.insert(plugin->name);
  const std::vector<std::string> names(unique_names.begin(), unique_names.end());
  if (names.empty())
    throw InputError(fmt::format("unknown plugin '{}': no plugins found; {}", options.name, searched_text(options)));
  throw InputError(fmt::format("unknown plugin '{}'{}; available: {}", options.name,
                               host::did_you_mean(options.name, names), host::join(names)));
}

json to_json(const std::optional<double>& number) { return number ? json(*number) : json(nullptr); }

// An exclusive bound adds "min_exclusive": true (or "max_exclusive") beside "min"; inclusive
// bounds, the common case, carry no extra key (as JSON Schema adds exclusiveMinimum only when used).
json to_json(const ParamSpec& spec) {
  json value = spec.default_value ? std::visit([](const auto& v) { return json(v); }, *spec.default_value) : json(nullptr);
  json out = {{"key", spec.key},           {"type", type_name(spec.type)}, {"required", spec.required()},
          {"default", value},          {"min", to_json(spec.min)},     {"max", to_json(spec.max)},
          {"choices", spec.choices},   {"doc", spec.doc}};
  if (spec.min_exclusive) out["min_exclusive"] = true;
  if (spec.max_exclusive) out["max_exclusive"] = true;
  return out;
}

void print_description(const LoadedPlugin& plugin) {
  const std::pair<const char*, std::string> fields[] = {
      {"kind", kind_name(plugin.kind)}, {"name", plugin.name},       {"version", plugin.version},
      {"file", plugin.file.string()},   {"sha256", plugin.sha256},   {"summary", plugin.summary}};
  for (const auto& [label, value] : fields) std::cout << fmt::format("{:<9}{}\n", label, value);
  std::cout << '\n';
  if (plugin.schema.empty()) {
    std::cout << "no parameters\n";
    return;
  }
  Table table{{"key", "type", "default", "range/choices", "doc"}, {}};
  for (const ParamSpec& spec : plugin.schema)
    table.rows.push_back({spec.key, std::string(type_name(spec.type)), default_text(spec), range_text(spec), spec.doc});
  print_table(std::cout, table);
}

void run_describe(const PluginsOptions& options, Context& context) {
  const std::optional<PluginKind> kind = parse_kind(options.kind);
  const Registry registry = scan(options);
  const LoadedPlugin* plugin = nullptr;
  try {
    plugin = &resolve(registry, options, kind);
  } catch (const InputError&) {
    warn_problems(registry);  // a library that failed to load may be why the name is unknown
    throw;
  }
  if (options.json) {
    json params = json::array();
    for (const ParamSpec& spec : plugin->schema) params.push_back(to_json(spec));
    const json out{{"kind", kind_name(plugin->kind)}, {"name", plugin->name},     {"version", plugin->version},
                   {"file", plugin->file.string()},   {"sha256", plugin->sha256}, {"summary", plugin->summary},
                   {"params", params}};
    std::cout << out.dump(2) << '\n';
  } else {
    print_description(*plugin);
  }
  warn_problems(registry);
  context.exit_status = 0;
}

// ---- doc --------------------------------------------------------------------------------------

void run_doc(const PluginsOptions& options, Context& context) {
  const std::optional<PluginKind> kind = parse_kind(options.kind);
  const Registry registry = scan(options);
  std::vector<const LoadedPlugin*> plugins;
  for (const LoadedPlugin* plugin : registry.list())
    if (!kind || plugin->kind == *kind) plugins.push_back(plugin);
  if (plugins.empty()) {
    warn_problems(registry);
    throw InputError(fmt::format("no {}plugins to document; {}", kind ? std::string(kind_name(*kind)) + " " : "",
                                 searched_text(options)));
  }
  std::cout << markdown_reference(plugins);
  warn_problems(registry);
  context.exit_status = 0;
}

}  // namespace

void add_plugins_command(CLI::App& app, Context& context) {
  // Shared by the callbacks, which CLI11 keeps as long as the app: the bound options live as long.
  auto options = std::make_shared<PluginsOptions>();

  CLI::App* plugins = app.add_subcommand("plugins", "List plugins and describe their parameters");
  plugins->require_subcommand(1);
  plugins
      ->add_option("--plugin-path", options->plugin_paths,
                   "Also load plugins from this folder or library file (repeatable; after the built-in "
                   "folder and GRAFT_PLUGIN_PATH)")
      ->type_name("PATH")
      ->allow_extra_args(false);  // one value per occurrence, so `--plugin-path DIR list` works

  CLI::App* list = plugins->add_subcommand("list", "List the plugins found on the plugin path");
  list->fallthrough();  // accept --plugin-path after `list` too
  list->add_option("--kind", options->kind, "Only plugins of this kind: model, dataset, strategy or scheduler");
  list->add_flag("--json", options->json, "Print JSON (plugins and load problems) instead of a table");
  list->callback([options, &context] { run_list(*options, context); });

  CLI::App* describe = plugins->add_subcommand("describe", "Show a plugin's version, file and parameters");
  describe->fallthrough();
  describe->add_option("name", options->name, "Plugin name, as an experiment writes it in `plugin = \"...\"`")->required();
  describe->add_option("--kind", options->kind,
                       "The plugin's kind: model, dataset, strategy or scheduler (needed when kinds share the name)");
  describe->add_flag("--json", options->json, "Print JSON instead of text");
  describe->callback([options, &context] { run_describe(*options, context); });

  CLI::App* doc = plugins->add_subcommand(
      "doc", "Print the Markdown reference of every plugin's parameters (docs/plugins.md is the built-in ones')");
  doc->fallthrough();
  doc->add_option("--kind", options->kind, "Only plugins of this kind: model, dataset, strategy or scheduler");
  doc->callback([options, &context] { run_doc(*options, context); });
}

}  // namespace graft::cli
