// Validation: every table, key, value, plugin name and sweep axis of a Document against the
// SchemaCatalog, in the order a reader meets them, failing at the first problem.
#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "experiment/conversion.hpp"
#include "experiment/plan.hpp"
#include "experiment/suggestions.hpp"

namespace graft::experiment {
namespace {

// The `plugin` key of a plugin table is a string naming a loaded plugin.
const ParamSpec& plugin_spec() {
  static const ParamSpec spec = string_param(std::string(kPluginKey), "", "the plugin this table configures");
  return spec;
}

std::vector<std::string> keys_of(const std::map<std::string, ParamSchema>& tables) {
  std::vector<std::string> out;
  for (const auto& [name, schema] : tables) out.push_back(name);
  return out;
}

void add_unique(std::vector<std::string>& list, const std::string& item) {
  if (std::find(list.begin(), list.end(), item) == list.end()) list.push_back(item);
}

class Validator {
 public:
  Validator(const Document& doc, const SchemaCatalog& catalog) : doc_(doc), catalog_(catalog) {}

  Plan run() {
    check_table_names();
    check_plugins_table();
    Plan plan;
    plan.axes = read_axes();
    for (const std::string& name : tables_in_reading_order(plan)) plan.tables.push_back(plan_table(name, plan));
    std::sort(plan.tables.begin(), plan.tables.end(), [](const TablePlan& a, const TablePlan& b) { return a.name < b.name; });
    for (Axis& axis : plan.axes) label_axis(axis, table_plan(plan, axis.table));
    plan.repeats = repeats(plan);
    check_untabled_overrides(plan);
    return plan;
  }

 private:
  const Document& doc_;
  const SchemaCatalog& catalog_;

  // ---- tables -------------------------------------------------------------------------------

  bool is_engine_table(const std::string& name) const { return catalog_.engine_tables.count(name) > 0; }
  bool is_plugin_table(const std::string& name) const {
    return catalog_.plugin_tables.count(name) > 0 || catalog_.plugin_table_families.count(family_of(name)) > 0;
  }
  PluginKind plugin_kind(const std::string& name) const {
    auto fixed = catalog_.plugin_tables.find(name);
    return fixed != catalog_.plugin_tables.end() ? fixed->second : catalog_.plugin_table_families.at(family_of(name));
  }
  bool is_reserved(const std::string& name) const { return name == kSweepTable || name == kPluginsTable; }

  std::vector<std::string> known_tables() const {
    std::vector<std::string> names = keys_of(catalog_.engine_tables);
    for (const auto& [name, kind] : catalog_.plugin_tables) names.push_back(name);
    for (const auto& [family, kind] : catalog_.plugin_table_families) names.push_back(family + ".NAME");
    names.emplace_back(kPluginsTable);
    names.emplace_back(kSweepTable);
    std::sort(names.begin(), names.end());
    return names;
  }

  std::string unknown_table(const std::string& name) const {
    std::vector<std::string> known = known_tables();
    std::string suggestion = did_you_mean(name, known, "[", "]");
    if (!suggestion.empty()) return fmt::format("unknown table [{}]{}", name, suggestion);
    return fmt::format("unknown table [{}]; known tables: {}", name, join(known));
  }

  void check_table_names() const {
    for (const Table& table : doc_.tables)
      if (!is_engine_table(table.name) && !is_plugin_table(table.name) && !is_reserved(table.name))
        fail(table.at, unknown_table(table.name));
  }

  // Tables of the file first, as written; then the catalog's tables the file leaves out.
  // The file's tables, then the known tables it leaves out (their defaults apply), except
  // optional ones that neither the file nor a sweep axis mentions: those are simply absent.
  std::vector<std::string> tables_in_reading_order(const Plan& plan) const {
    std::vector<std::string> names;
    for (const Table& table : doc_.tables)
      if (!is_reserved(table.name)) names.push_back(table.name);
    const auto swept = [&plan](const std::string& name) {
      return std::any_of(plan.axes.begin(), plan.axes.end(), [&](const Axis& axis) { return axis.table == name; });
    };
    for (const std::string& name : known_tables()) {
      if (is_reserved(name) || (catalog_.optional_tables.count(name) && !swept(name))) continue;
      if (name.size() > 5 && name.compare(name.size() - 5, 5, ".NAME") == 0) continue;  // a family's placeholder
      add_unique(names, name);
    }
    // A family's member that only a sweep mentions (its table then needs a swept plugin).
    for (const Axis& axis : plan.axes)
      if (!family_of(axis.table).empty()) add_unique(names, axis.table);
    return names;
  }

  static const TablePlan& table_plan(const Plan& plan, const std::string& name) {
    return *std::find_if(plan.tables.begin(), plan.tables.end(), [&](const TablePlan& t) { return t.name == name; });
  }

  // ---- plugins ------------------------------------------------------------------------------

  const ParamSchema* find_plugin(PluginKind kind, const std::string& name) const {
    return catalog_.find_plugin ? catalog_.find_plugin(kind, name) : nullptr;
  }

  std::vector<std::string> plugin_names(PluginKind kind) const {
    std::vector<std::string> names = catalog_.plugin_names ? catalog_.plugin_names(kind) : std::vector<std::string>{};
    std::sort(names.begin(), names.end());
    return names;
  }

  std::string available(PluginKind kind) const {
    std::vector<std::string> names = plugin_names(kind);
    return names.empty() ? std::string("none loaded") : join(names);
  }

  // The plugin a `plugin` value names; fails at the value when it is not a loaded plugin.
  std::string plugin_name(const RawValue& raw, PluginKind kind) const {
    std::string name = std::get<std::string>(convert(raw, plugin_spec()));
    if (!find_plugin(kind, name))
      fail(raw.at, fmt::format("unknown {} plugin '{}'{}; available: {}", kind_name(kind), name,
                               did_you_mean(name, plugin_names(kind)), available(kind)));
    return name;
  }

  // A table the file leaves out is present in no trial unless a sweep axis sets one of its keys.
  bool table_present(const std::string& name, const Plan& plan) const {
    if (doc_.find(name)) return true;
    return std::any_of(plan.axes.begin(), plan.axes.end(), [&](const Axis& axis) { return axis.table == name; });
  }

  // Fails at `at` (where the plugin is named) when the plugin needs a table the file lacks.
  void check_tables_needed(const std::string& table, PluginKind kind, const std::string& plugin, const Location& at,
                           const Plan& plan) const {
    if (!catalog_.tables_needed) return;
    for (const auto& [needed, purpose] : catalog_.tables_needed(kind, plugin)) {
      if (!table_present(needed, plan))
        fail(at, fmt::format("{} plugin '{}' of [{}] needs a [{}] table ({}); add one, or choose another {}",
                             kind_name(kind), plugin, table, needed, purpose, kind_name(kind)));
    }
  }

  Candidate plugin_candidate(const std::string& table, PluginKind kind, const std::string& plugin) const {
    const std::string family = family_of(table);
    auto extras = catalog_.plugin_table_extras.find(family.empty() ? table : family);
    return Candidate{plugin, find_plugin(kind, plugin),
                     extras == catalog_.plugin_table_extras.end() ? nullptr : &extras->second};
  }

  // The plugins a plugin table may use: the swept ones, else the one it names, else its default.
  std::vector<Candidate> plugin_candidates(const std::string& name, const Table* table, const Plan& plan) const {
    const PluginKind kind = plugin_kind(name);
    const Entry* named = table ? table->find(kPluginKey) : nullptr;
    // A named plugin is checked even when a sweep replaces it: a typo is still a typo.
    std::string fixed = named ? plugin_name(named->value, kind) : std::string();
    std::vector<std::string> plugins;
    if (const Axis* axis = plan.axis(name, kPluginKey)) {
      for (const RawValue& item : axis->values) {
        add_unique(plugins, plugin_name(item, kind));
        check_tables_needed(name, kind, plugin_name(item, kind), item.at, plan);
      }
    } else if (named) {
      plugins.push_back(fixed);
      check_tables_needed(name, kind, fixed, named->value.at, plan);
    } else if (auto def = catalog_.default_plugins.find(name); def != catalog_.default_plugins.end()) {
      const Location at = table ? table->at : doc_.start();
      if (!find_plugin(kind, def->second))
        fail(at, fmt::format("[{}] defaults to {} plugin '{}', which is not loaded; available: {}", name, kind_name(kind),
                             def->second, available(kind)));
      check_tables_needed(name, kind, def->second, at, plan);
      plugins.push_back(def->second);
    } else if (table) {
      fail(table->at, fmt::format("missing key '{}' in [{}]; available {} plugins: {}", kPluginKey, name, kind_name(kind),
                                  available(kind)));
    } else {
      fail(doc_.start(), fmt::format("missing table [{}]", name));
    }
    std::vector<Candidate> out;
    for (const std::string& plugin : plugins) out.push_back(plugin_candidate(name, kind, plugin));
    return out;
  }

  // ---- keys ---------------------------------------------------------------------------------

  // `--set epochs=2`: "did you mean train.epochs?" when one table has that key (or one near it).
  void check_untabled_overrides(const Plan& plan) const {
    for (const Entry& entry : doc_.untabled_overrides) {
      std::vector<std::string> dotted, leaves;  // "train.epochs" and its "epochs", side by side
      for (const TablePlan& table : plan.tables)
        for (const Candidate& candidate : table.candidates)
          for (const std::string& key : candidate.keys())
            if (std::find(dotted.begin(), dotted.end(), table.name + "." + key) == dotted.end()) {
              dotted.push_back(table.name + "." + key);
              leaves.push_back(key);
            }
      std::vector<std::string> exact;
      for (std::size_t i = 0; i < leaves.size(); ++i)
        if (leaves[i] == entry.key) exact.push_back(dotted[i]);
      const std::string message = fmt::format("'{}' names no table: write TABLE.KEY", entry.key);
      if (exact.size() > 1) fail(entry.key_at, fmt::format("{}; tables with that key: {}", message, join(exact)));
      const auto near = exact.empty() ? nearest(entry.key, leaves) : std::optional<std::string>(entry.key);
      if (!near) fail(entry.key_at, fmt::format("{}, e.g. train.lr", message));
      const auto at = static_cast<std::size_t>(std::find(leaves.begin(), leaves.end(), *near) - leaves.begin());
      fail(entry.key_at, fmt::format("{} (did you mean {}?)", message, dotted[at]));
    }
  }

  // `unknown key 'lr_rate' in [train] (did you mean 'lr'?)`; `prefix` is "train." when the key
  // is written in [sweep] as "train.lr_rate".
  std::string unknown_key(const TablePlan& plan, const std::string& key, const std::string& prefix) const {
    std::vector<std::string> known;
    if (plan.plugin_table) known.emplace_back(kPluginKey);
    for (const Candidate& candidate : plan.candidates)
      for (const std::string& k : candidate.keys()) add_unique(known, prefix + k);
    std::string where = prefix.empty() ? plan.name : std::string(kSweepTable);
    std::string message = fmt::format("unknown key '{}{}' in [{}]", prefix, key, where);
    std::string suggestion = did_you_mean(prefix + key, known);
    if (!suggestion.empty()) return message + suggestion;
    if (!plan.plugin_table) return fmt::format("{}; known keys: {}", message, join(known));
    std::vector<std::string> plugins;
    for (const Candidate& candidate : plan.candidates) plugins.push_back(candidate.plugin);
    if (plugins.size() > 1)
      return fmt::format("{}; no swept {} plugin ({}) takes it", message, kind_name(plan.kind), join(plugins));
    std::vector<std::string> own = plan.candidates.front().keys();
    return fmt::format("{}; {} plugin '{}' takes {}", message, kind_name(plan.kind), plugins.front(),
                       own.empty() ? std::string("no keys") : join(own));
  }

  // Checks `raw` against every candidate that has `key` (a key shared by swept plugins must
  // suit each of them); returns the value as the first such candidate types it.
  ParamValue check_value(const TablePlan& plan, const std::string& key, const RawValue& raw, const Location& key_at,
                         const std::string& prefix) const {
    std::optional<ParamValue> first;
    for (const Candidate& candidate : plan.candidates)
      if (const ParamSpec* spec = candidate.find(key)) {
        ParamValue value = convert(raw, *spec);
        if (!first) first = std::move(value);
      }
    if (!first) fail(key_at, unknown_key(plan, key, prefix));
    return *first;
  }

  bool provided(const TablePlan& plan, const Plan& whole, const std::string& key) const {
    return (plan.table && plan.table->find(key)) || whole.axis(plan.name, key);
  }

  void check_required(const TablePlan& plan, const Plan& whole) const {
    for (const Candidate& candidate : plan.candidates)
      for (const ParamSpec* spec : candidate.specs()) {
        if (!spec->required() || provided(plan, whole, spec->key)) continue;
        if (!plan.table) fail(doc_.start(), fmt::format("missing table [{}]", plan.name));
        std::string by = candidate.plugin.empty() ? "" : fmt::format(" (required by {} plugin '{}')",
                                                                     kind_name(plan.kind), candidate.plugin);
        fail(plan.table->at, fmt::format("missing key '{}' in [{}]{}", spec->key, plan.name, by));
      }
  }

  TablePlan plan_table(const std::string& name, const Plan& whole) const {
    TablePlan plan;
    plan.name = name;
    plan.table = doc_.find(name);
    plan.plugin_table = is_plugin_table(name);
    if (plan.plugin_table) {
      plan.kind = plugin_kind(name);
      plan.candidates = plugin_candidates(name, plan.table, whole);
    } else {
      plan.candidates.push_back(Candidate{"", &catalog_.engine_tables.at(name), nullptr});
    }
    if (plan.table)
      for (const Entry& entry : plan.table->entries)
        if (!(plan.plugin_table && entry.key == kPluginKey)) check_value(plan, entry.key, entry.value, entry.key_at, "");
    check_required(plan, whole);
    return plan;
  }

  void check_plugins_table() const {
    const Table* table = doc_.find(kPluginsTable);
    if (!table) return;
    TablePlan plan;
    plan.name = std::string(kPluginsTable);
    plan.table = table;
    plan.candidates.push_back(Candidate{"", &plugins_table_schema(), nullptr});
    for (const Entry& entry : table->entries) check_value(plan, entry.key, entry.value, entry.key_at, "");
  }

  // ---- sweep --------------------------------------------------------------------------------

  // The shape of each axis: a "table.key" of a known table with a non-empty list of values. Its
  // key and values are checked once the table's plugins are known (label_axis). A key naming
  // several "table.key"s separated by commas declares linked axes: each value is a list with one
  // value per key, and the keys move in step.
  std::vector<Axis> read_axes() const {
    std::vector<Axis> axes;
    const Table* sweep = doc_.find(kSweepTable);
    if (!sweep) return axes;
    std::size_t group = 0;
    for (const Entry& entry : sweep->entries) {
      const std::vector<std::string> keys = split_keys(entry.key);
      const RawValue& values = entry.value;
      if (values.kind != RawValue::Kind::Array)
        fail(values.at, fmt::format("sweep '{}' must be a list of values, got {}", entry.key, describe(values)));
      if (values.items.empty()) fail(values.at, fmt::format("sweep '{}' has no values", entry.key));
      for (std::size_t member = 0; member < keys.size(); ++member) {
        Axis axis = read_axis(entry, keys[member]);
        for (const Axis& other : axes) {
          if (other.key == axis.key) fail(entry.key_at, fmt::format("'{}' is swept twice", axis.key));
        }
        axis.group = group;
        for (const RawValue& item : values.items) axis.values.push_back(keys.size() == 1 ? item : linked_value(entry, keys, item, member));
        axes.push_back(std::move(axis));
      }
      ++group;
    }
    return axes;
  }

  static std::vector<std::string> split_keys(const std::string& key) {
    std::vector<std::string> keys;
    std::size_t begin = 0;
    for (;;) {
      const auto comma = key.find(',', begin);
      std::string part = key.substr(begin, comma == std::string::npos ? std::string::npos : comma - begin);
      const auto first = part.find_first_not_of(" \t");
      const auto last = part.find_last_not_of(" \t");
      keys.push_back(first == std::string::npos ? std::string() : part.substr(first, last - first + 1));
      if (comma == std::string::npos) return keys;
      begin = comma + 1;
    }
  }

  Axis read_axis(const Entry& entry, const std::string& key) const {
    auto [table, leaf] = split_table_key(key);
    if (table.empty())
      fail(entry.key_at, fmt::format("sweep key '{}' must be \"TABLE.KEY\", e.g. \"train.lr\" (or several, "
                                     "comma-separated, to link them)",
                                     key));
    Axis axis{key, std::move(table), std::move(leaf), &entry, {}, {}, 0};
    if (is_reserved(axis.table)) fail(entry.key_at, fmt::format("[{}] cannot be swept", axis.table));
    if (!is_engine_table(axis.table) && !is_plugin_table(axis.table))
      fail(entry.key_at, fmt::format("{} in sweep key '{}'", unknown_table(axis.table), key));
    // Repeats already give one trial per seed; sweeping the name or the repeats would be
    // meaningless, so of [experiment] only the seed may vary.
    if (axis.table == "experiment" && axis.leaf != "seed")
      fail(entry.key_at, fmt::format("'{}' cannot be swept; of [experiment], only seed can", key));
    return axis;
  }

  // The value of key `member` in one point of linked axes: that element of a list of one value
  // per key.
  static const RawValue& linked_value(const Entry& entry, const std::vector<std::string>& keys, const RawValue& item,
                                      std::size_t member) {
    if (item.kind != RawValue::Kind::Array || item.items.size() != keys.size())
      fail(item.at, fmt::format("each value of the linked sweep '{}' must be a list of {} values (one per key), "
                                "got {}",
                                entry.key, keys.size(), describe(item)));
    return item.items[member];
  }

  void label_axis(Axis& axis, const TablePlan& plan) const {
    for (const RawValue& item : axis.values) {
      if (plan.plugin_table && axis.leaf == kPluginKey) {
        axis.labels.push_back(std::get<std::string>(convert(item, plugin_spec())));  // checked as a plugin already
        continue;
      }
      std::string prefix = axis.table + ".";
      axis.labels.push_back(to_display(check_value(plan, axis.leaf, item, axis.entry->key_at, prefix)));
    }
  }

  // ---- repeats ------------------------------------------------------------------------------

  std::int64_t repeats(const Plan& plan) const {
    auto engine = catalog_.engine_tables.find("experiment");
    const ParamSpec* spec = engine == catalog_.engine_tables.end() ? nullptr : find_spec(engine->second, "repeats");
    if (!spec) return 1;
    const TablePlan& experiment = table_plan(plan, "experiment");
    const Entry* entry = experiment.table ? experiment.table->find("repeats") : nullptr;
    ParamValue value = entry ? convert(entry->value, *spec) : spec->default_value.value_or(ParamValue{std::int64_t{1}});
    const auto* count = std::get_if<std::int64_t>(&value);
    if (!count) return 1;
    if (*count < 1) fail(entry ? entry->value.at : doc_.start(), fmt::format("'repeats' must be >= 1, got {}", *count));
    return *count;
  }
};

}  // namespace

Plan make_plan(const Document& doc, const SchemaCatalog& catalog) { return Validator(doc, catalog).run(); }

}  // namespace graft::experiment
