#include "canonical_toml.hpp"

#include <algorithm>
#include <cctype>

#include "document.hpp"
#include "graft/hash.hpp"

namespace graft::experiment {
namespace {

using Section = std::map<std::string, ParamValue>;  // sorted keys

// A bare TOML key when it can be one, else a quoted one.
std::string toml_key(const std::string& key) {
  bool bare = !key.empty() && std::all_of(key.begin(), key.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '_' || c == '-';
  });
  return bare ? key : to_toml(ParamValue{key});
}

// Every table of the trial, plugin tables with their `plugin` key, sorted by table name.
std::map<std::string, Section> sections(const Trial& trial) {
  std::map<std::string, Section> out;
  for (const auto& [table, choice] : trial.plugins) {
    Section& section = out[table];
    section.insert(choice.params.values().begin(), choice.params.values().end());
    section[std::string(kPluginKey)] = choice.plugin;
  }
  for (const auto& [table, params] : trial.tables) out[table].insert(params.values().begin(), params.values().end());
  return out;
}

}  // namespace

void canonicalize(Trial& trial) {
  std::string text;
  trial.flat.clear();
  for (const auto& [table, section] : sections(trial)) {
    text += (text.empty() ? "[" : "\n[") + toml_key(table) + "]\n";
    for (const auto& [key, value] : section) {
      text += toml_key(key) + " = " + to_toml(value) + "\n";
      trial.flat.emplace_back(table + "." + key, value);
    }
  }
  std::sort(trial.flat.begin(), trial.flat.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  trial.config_toml = std::move(text);
  trial.config_hash = sha256_hex(trial.config_toml);
}

}  // namespace graft::experiment
