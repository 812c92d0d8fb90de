#pragma once
// Experiment files: TOML parsing, validation against schemas, --set overrides, sweep expansion.
// No torch here: schemas come from the host (plugins) and the engine (its own tables) through
// SchemaCatalog, so this layer is tested alone.
//
// Every error is a ConfigError whose what() is one line:
//   FILE:LINE:COL: error: MESSAGE            (position of the offending key or value)
//   --set KEY=VALUE: error: MESSAGE          (an override from the command line)
// with "did you mean 'x'?" appended for near misses of keys, plugin names and choices.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "graft/errors.hpp"
#include "graft/params.hpp"
#include "graft/plugin.hpp"

namespace graft::experiment {

class ConfigError : public InputError {
 public:
  using InputError::InputError;
};

// What the validator checks tables against.
struct SchemaCatalog {
  // Tables owned by the engine, e.g. "experiment", "train": every key checked against the schema.
  std::map<std::string, ParamSchema> engine_tables;
  // Tables naming a plugin with `plugin = "..."`: "model", "dataset", "strategy", "scheduler".
  std::map<std::string, PluginKind> plugin_tables;
  // Families of plugin tables, [FAMILY.NAME] each ("tasks" -> Dataset): any number of members,
  // none required; plugin_table_extras of the family apply to each member.
  std::map<std::string, PluginKind> plugin_table_families;
  // Default plugin of a plugin table that may be omitted ("strategy" -> "full"); a table without
  // an entry here is required.
  std::map<std::string, std::string> default_plugins;
  // Tables an experiment may leave out altogether (no default, no error): "teacher". A trial of
  // such a file has no entry for them.
  std::set<std::string> optional_tables;
  // Engine keys accepted in a plugin table besides the plugin's own (scheduler warmup keys).
  std::map<std::string, ParamSchema> plugin_table_extras;
  // Schema of plugin `name` of `kind`, or nullptr when there is no such plugin.
  std::function<const ParamSchema*(PluginKind kind, const std::string& name)> find_plugin;
  // Names of every plugin of a kind (for "did you mean" and the list in the error).
  std::function<std::vector<std::string>(PluginKind kind)> plugin_names;
  // Tables plugin `name` of `kind` cannot work without (from its descriptor's needs), each with
  // what the table gives it: {"teacher", "the model whose logits it learns from"}. May be empty.
  std::function<std::vector<std::pair<std::string, std::string>>(PluginKind kind, const std::string& name)>
      tables_needed;
};

// A table family holds any number of tables of the same kind, one per member, written
// [FAMILY.MEMBER] (e.g. [tasks.coarse]); the member table is named "FAMILY.MEMBER" throughout,
// and its keys are "FAMILY.MEMBER.KEY" in --set and [sweep]. Member names are bare TOML keys.
inline constexpr std::string_view kTaskFamily = "tasks";
bool is_table_family(std::string_view name);
// "tasks.coarse" -> "tasks"; "" for a table outside any family.
std::string family_of(std::string_view table);
bool is_member_name(std::string_view name);

// "train.lr" -> {"train", "lr"}; "tasks.coarse.weight" -> {"tasks.coarse", "weight"}. Either part
// is empty when `key` does not name TABLE.KEY.
std::pair<std::string, std::string> split_table_key(const std::string& key);

// A `--set KEY=VALUE` from the command line. KEY is dotted ("train.lr", "model.plugin"); VALUE is
// typed by the schema of KEY (so `--set train.lr=3e-4` is a float, `--set train.lr=1` too, and
// `--set dataset.classes=[1,2]` an int list). `--set sweep.train.lr=[1e-3,3e-4]` replaces or adds
// a sweep axis. An override of a key that the schema does not know is an error like a file's.
struct Override {
  std::string key;
  std::string value;
  std::string text;  // as the user wrote it, for error messages: "train.lr=3e-4"
};
// Parses "KEY=VALUE"; throws ConfigError when there is no '=' or no key.
Override parse_override(const std::string& text);

// The file as parsed: raw TOML plus overrides, not yet validated. Keep it to read [plugins]
// paths before the plugin registry is built.
class ExperimentFile {
 public:
  // Throws ConfigError for a missing file or a TOML syntax error (with its position).
  static ExperimentFile load(const std::filesystem::path& path, std::vector<Override> overrides = {});
  // From text, for tests; `display_name` is what errors call the file.
  static ExperimentFile parse(const std::string& toml_text, const std::string& display_name,
                              std::vector<Override> overrides = {});

  ExperimentFile(ExperimentFile&&) noexcept;
  ExperimentFile& operator=(ExperimentFile&&) noexcept;
  ~ExperimentFile();

  const std::string& display_name() const;
  // [plugins] paths, resolved relative to the file's folder; validated (a list of strings).
  std::vector<std::filesystem::path> plugin_paths() const;

  struct Impl;
  const Impl& impl() const { return *impl_; }

 private:
  explicit ExperimentFile(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// One plugin table of a trial: the plugin's name and its params (defaults filled in; the
// engine extras of plugin_table_extras are in `params` too).
struct PluginChoice {
  std::string plugin;
  Params params;
};

// One run to do: a combination of the sweep grid and one repeat.
struct Trial {
  int index = 0;                        // 0-based, in expansion order
  // Swept values and seed: "strategy=full,lr=0.0003,seed=2". An axis is named by its key's last
  // component ("strategy" for strategy.plugin), or by the whole key when two would share a name.
  std::string name;
  std::uint64_t seed = 0;               // experiment.seed + repeat index
  std::map<std::string, PluginChoice> plugins;  // by table: "model", "dataset", ...
  std::map<std::string, Params> tables;         // engine tables: "experiment", "train"
  // Flattened resolved config: "train.lr" -> 0.001, "model.plugin" -> "small_cnn", "experiment.seed" -> 2.
  std::vector<std::pair<std::string, ParamValue>> flat;
  std::string config_toml;              // canonical resolved TOML (sorted tables and keys)
  // sha256 of config_toml without experiment.repeats and experiment.description: equal for the
  // same trial of a file whose repeats grew, so finished trials are recognised.
  std::string config_hash;
};

struct Experiment {
  std::string name;
  std::string description;
  std::string file;                     // display name of the file
  std::vector<std::filesystem::path> plugin_paths;
  std::vector<std::string> swept_keys;  // in declaration order ("train.lr", ...), plus "seed" when repeats > 1
  std::vector<Trial> trials;
};

// Validates everything (overrides included) and expands the sweep; throws ConfigError at the
// first problem. Nothing runs before this returns.
Experiment resolve(const ExperimentFile& file, const SchemaCatalog& catalog);

// Levenshtein-nearest candidate within a small distance, for "did you mean".
std::optional<std::string> nearest(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace graft::experiment
