#include "experiment/canonical_toml.hpp"

#include <algorithm>
#include <cctype>

#include "experiment/document.hpp"
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

// Keys that do not change what a trial computes: how many repeats there are (each trial has its
// own seed), the prose about it, and which files a run keeps on disk. Left out of the hash, so
// that raising repeats from 3 to 5, rewording the description or keeping fewer checkpoints finds
// the runs already done (graft run skips them). How the ranks of a data-parallel run talk (the
// backend, its timeout, the gradient buckets and whether they overlap the backward pass) does not
// change what they compute either.
bool outside_hash(const std::string& table, const std::string& key) {
  if (table == "experiment") return key == "repeats" || key == "description";
  return table == "train" && (key == "checkpoints" || key == "keep_state" || key == "distributed_backend" ||
                              key == "distributed_timeout" || key == "gradient_bucket_mb" ||
                              key == "overlap_gradient_sync");
}

}  // namespace

void canonicalize(Trial& trial) {
  std::string text, hashed;
  trial.flat.clear();
  for (const auto& [table, section] : sections(trial)) {
    const std::string family = family_of(table);
    const std::string name =
        family.empty() ? toml_key(table) : family + "." + toml_key(table.substr(family.size() + 1));
    const std::string header = (text.empty() ? "[" : "\n[") + name + "]\n";
    text += header;
    hashed += header;
    for (const auto& [key, value] : section) {
      const std::string line = toml_key(key) + " = " + to_toml(value) + "\n";
      text += line;
      if (!outside_hash(table, key)) hashed += line;
      trial.flat.emplace_back(table + "." + key, value);
    }
  }
  std::sort(trial.flat.begin(), trial.flat.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  trial.config_toml = std::move(text);
  trial.config_hash = sha256_hex(hashed);
}

}  // namespace graft::experiment
