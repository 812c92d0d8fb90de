#include "experiment/toml_reading.hpp"

#include <algorithm>
#include <tuple>

#include <fmt/format.h>
#include <toml++/toml.h>

namespace graft::experiment {
namespace {

// TOML++ leaves the region of a few implicit nodes empty (line 0); those fall back to `fallback`.
Location located(const toml::source_region& region, const std::string& origin, const Location& fallback) {
  if (region.begin.line == 0) return fallback;
  return Location{origin, false, region.begin.line, region.begin.column};
}

std::string other_type_name(toml::node_type type) {
  switch (type) {
    case toml::node_type::table: return "table";
    case toml::node_type::date: return "date";
    case toml::node_type::time: return "time";
    case toml::node_type::date_time: return "date-time";
    default: return "value";
  }
}

// Copies a value; `locate` gives each node its Location (file positions, or one override's).
template <class Locate>
RawValue to_raw(const toml::node& node, const Locate& locate) {
  RawValue raw;
  raw.at = locate(node);
  switch (node.type()) {
    case toml::node_type::boolean:
      raw.kind = RawValue::Kind::Bool;
      raw.boolean = node.as_boolean()->get();
      break;
    case toml::node_type::integer:
      raw.kind = RawValue::Kind::Int;
      raw.integer = node.as_integer()->get();
      break;
    case toml::node_type::floating_point:
      raw.kind = RawValue::Kind::Float;
      raw.floating = node.as_floating_point()->get();
      break;
    case toml::node_type::string:
      raw.kind = RawValue::Kind::String;
      raw.text = node.as_string()->get();
      break;
    case toml::node_type::array:
      raw.kind = RawValue::Kind::Array;
      for (const toml::node& item : *node.as_array()) raw.items.push_back(to_raw(item, locate));
      break;
    default:
      raw.kind = RawValue::Kind::Other;
      raw.text = other_type_name(node.type());
  }
  return raw;
}

struct FileReader {
  const std::string& origin;
  Location start;

  Location at(const toml::source_region& region) const { return located(region, origin, start); }

  RawValue value(const toml::node& node) const {
    return to_raw(node, [this](const toml::node& n) { return at(n.source()); });
  }

  // Keys of [sweep] are dotted paths; both `"train.lr" = [...]` and `train.lr = [...]` (which
  // TOML reads as a nested table) name the axis "train.lr".
  void flatten(const toml::table& table, const std::string& prefix, std::vector<Entry>& out) const {
    for (const auto& [key, node] : table) {
      std::string name = prefix.empty() ? std::string(key.str()) : prefix + "." + std::string(key.str());
      Location key_at = at(key.source());
      if (const auto* sub = node.as_table()) {
        flatten(*sub, name, out);
        continue;
      }
      out.push_back(Entry{name, key_at, value(node)});
    }
  }

  Table table(const std::string& name, const toml::table& node, const Location& header) const {
    Table out{name, header, {}};
    if (name == kSweepTable) {
      flatten(node, "", out.entries);
    } else {
      for (const auto& [key, value_node] : node)
        out.entries.push_back(Entry{std::string(key.str()), at(key.source()), value(value_node)});
    }
    // Declaration order, which TOML++'s sorted tables do not keep.
    std::stable_sort(out.entries.begin(), out.entries.end(), [](const Entry& a, const Entry& b) {
      return std::tie(a.key_at.line, a.key_at.column) < std::tie(b.key_at.line, b.key_at.column);
    });
    // In [sweep], `"train.lr"` and `train.lr` are two TOML keys but one axis; the later one is
    // the mistake. (TOML itself refuses duplicates everywhere else.)
    for (auto it = out.entries.begin(); it != out.entries.end(); ++it)
      if (std::any_of(out.entries.begin(), it, [&](const Entry& e) { return e.key == it->key; }))
        fail(it->key_at, fmt::format("sweep key '{}' is declared twice", it->key));
    return out;
  }
};

}  // namespace

Document read_toml(std::string_view text, const std::string& display_name) {
  Document doc;
  doc.display_name = display_name;
  toml::table root;
  try {
    root = toml::parse(text, std::string_view(display_name));
  } catch (const toml::parse_error& error) {
    Location at = located(error.source(), display_name, doc.start());
    fail(at, error.description());
  }

  FileReader reader{display_name, doc.start()};
  for (const auto& [key, node] : root) {
    std::string name(key.str());
    Location key_at = reader.at(key.source());
    if (node.is_array_of_tables()) fail(key_at, fmt::format("[[{0}]] is a list of tables; write [{0}]", name));
    const auto* table = node.as_table();
    if (!table) fail(key_at, fmt::format("key '{}' is outside any table; put it under its table, e.g. [experiment]", name));
    if (!is_table_family(name)) {
      doc.tables.push_back(reader.table(name, *table, located(node.source(), display_name, key_at)));
      continue;
    }
    // [tasks.coarse]: one table per member of the family.
    for (const auto& [member_key, member_node] : *table) {
      const std::string member(member_key.str());
      const Location member_at = reader.at(member_key.source());
      const auto* member_table = member_node.as_table();
      if (!member_table)
        fail(member_at, fmt::format("key '{}' belongs in a table of its own: [{}.NAME] declares one, e.g. [{}.coarse]",
                                    member, name, name));
      if (!is_member_name(member))
        fail(member_at, fmt::format("'{}' cannot name a table of [{}]: use letters, digits, '_' and '-'", member, name));
      doc.tables.push_back(reader.table(name + "." + member, *member_table,
                                        located(member_node.source(), display_name, member_at)));
    }
  }
  std::stable_sort(doc.tables.begin(), doc.tables.end(), [](const Table& a, const Table& b) {
    return std::tie(a.at.line, a.at.column) < std::tie(b.at.line, b.at.column);
  });
  return doc;
}

std::optional<RawValue> parse_toml_value(std::string_view text, const Location& at) {
  toml::table parsed;
  try {
    parsed = toml::parse(fmt::format("v = {}", text));
  } catch (const toml::parse_error&) {
    return std::nullopt;
  }
  // `1\nw = 2` parses too, but is not one value.
  const toml::node* value = parsed.get("v");
  if (parsed.size() != 1 || !value) return std::nullopt;
  return to_raw(*value, [&](const toml::node&) { return at; });
}

}  // namespace graft::experiment
