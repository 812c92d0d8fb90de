#include "cli/plugin_reference.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "cli/output.hpp"
#include "host/suggest.hpp"

namespace graft::cli {
namespace {

// A Markdown table cell on one line, with its pipes escaped.
std::string cell(const std::string& text) {
  std::string out;
  for (char c : one_line(text)) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out;
}

std::string code(const std::string& text) { return text.empty() ? "" : "`" + cell(text) + "`"; }

// Plural headings: "Models", "Datasets", "Strategies", "Schedulers".
std::string kind_heading(PluginKind kind) {
  std::string name = kind_name(kind);
  name.front() = static_cast<char>(name.front() - 'a' + 'A');
  if (name.back() == 'y') return name.substr(0, name.size() - 1) + "ies";
  return name + "s";
}

void append_plugin(std::string& page, const host::LoadedPlugin& plugin) {
  page += fmt::format("### `{}`\n\n{} (version {})\n\n", plugin.name, plugin.summary, plugin.version);
  if (plugin.schema.empty()) {
    page += "No parameters.\n\n";
    return;
  }
  page += "| key | type | default | range/choices | doc |\n| --- | --- | --- | --- | --- |\n";
  for (const ParamSpec& spec : plugin.schema) {
    // TOML spelling for defaults: what the user would write in the experiment file.
    const std::string def = spec.default_value ? code(to_toml(*spec.default_value)) : "required";
    page += fmt::format("| `{}` | {} | {} | {} | {} |\n", spec.key, type_name(spec.type), def,
                        cell(range_text(spec)), cell(spec.doc));
  }
  page += '\n';
}

}  // namespace

std::string default_text(const ParamSpec& spec) {
  if (!spec.default_value) return "required";
  const std::string text = to_display(*spec.default_value);
  return text.empty() ? "\"\"" : text;  // an empty string default must still show
}

namespace {

// "[0, 1]", "> 0", "one of: a, b": what the schema allows, without the list rule.
std::string bounds_text(const ParamSpec& spec) {
  if (!spec.choices.empty()) return "one of: " + host::join(spec.choices);
  if (spec.min && spec.max)
    return fmt::format("{}{}, {}{}", spec.min_exclusive ? "(" : "[", format_number(*spec.min),
                       format_number(*spec.max), spec.max_exclusive ? ")" : "]");
  if (spec.min) return (spec.min_exclusive ? "> " : ">= ") + format_number(*spec.min);
  if (spec.max) return (spec.max_exclusive ? "< " : "<= ") + format_number(*spec.max);
  return "";
}

}  // namespace

std::string range_text(const ParamSpec& spec) {
  const std::string bounds = bounds_text(spec);
  if (!spec.distinct) return bounds;
  return bounds.empty() ? "each once" : bounds + ", each once";
}

std::string markdown_reference(const std::vector<const host::LoadedPlugin*>& plugins) {
  std::string page =
      "# Plugin reference\n\n"
      "<!-- Generated from the plugins' schemas by `graft plugins doc`; do not edit by hand.\n"
      "     Regenerate with: GRAFT_PLUGIN_PATH= build/bin/graft plugins doc > docs/plugins.md -->\n\n"
      "Every parameter each plugin declares in its schema: the keys of the experiment table that\n"
      "names it (`[model] plugin = \"...\"`). The same declaration validates experiment files and\n"
      "drives `graft plugins describe NAME`. A `required` key has no default. The engine's own keys\n"
      "(`[train]`, `[experiment]`, `warmup_steps` in `[scheduler]`) are in [experiments.md](experiments.md).\n\n";
  for (PluginKind kind : host::kPluginKinds) {
    std::vector<const host::LoadedPlugin*> of_kind;
    for (const host::LoadedPlugin* plugin : plugins)
      if (plugin->kind == kind) of_kind.push_back(plugin);
    if (of_kind.empty()) continue;
    std::sort(of_kind.begin(), of_kind.end(), [](auto* a, auto* b) { return a->name < b->name; });
    page += "## " + kind_heading(kind) + "\n\n";  // the intro and every plugin end with a blank line
    for (const host::LoadedPlugin* plugin : of_kind) append_plugin(page, *plugin);
  }
  while (page.size() > 1 && page[page.size() - 2] == '\n') page.pop_back();  // one final newline
  return page;
}

}  // namespace graft::cli
