#pragma once
// The experiment file as the validator sees it: tables and keys in declaration order, every key
// and value carrying where it came from (a file position or a `--set`). TOML++ keeps tables in
// sorted maps and would lose both the declaration order (which orders sweep axes) and the origin
// of overridden values, so the TOML document is copied into this small model once, and the
// overrides are applied to the copy. Private to the experiment layer.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "experiment/experiment.hpp"

namespace graft::experiment {

// Where a key or value was written: `FILE:LINE:COL` or `--set TEXT`.
struct Location {
  std::string origin;          // the file's display name, or the override as written
  bool from_override = false;
  std::uint32_t line = 1;
  std::uint32_t column = 1;

  static Location file_start(const std::string& display_name) { return {display_name, false, 1, 1}; }
  static Location override_text(const std::string& text) { return {text, true, 0, 0}; }
  std::string where() const;
};

// Throws ConfigError with the one-line message `WHERE: error: MESSAGE`.
[[noreturn]] void fail(const Location& at, std::string_view message);

// A value before it is typed by a schema. `Text` is an override's VALUE, which stays untyped
// until validation knows the type of its key (so `--set x=1` can be an int, a float or a string).
struct RawValue {
  enum class Kind { Bool, Int, Float, String, Array, Text, Other };
  Kind kind = Kind::Other;
  bool boolean = false;
  std::int64_t integer = 0;
  double floating = 0;
  std::string text;              // String and Text; for Other, the TOML type ("table", "date")
  std::vector<RawValue> items;   // Array
  Location at;
};

struct Entry {
  std::string key;  // in [sweep], the dotted "table.key"
  Location key_at;
  RawValue value;
};

struct Table {
  std::string name;
  Location at;  // the header, or the override that created the table
  std::vector<Entry> entries;

  const Entry* find(std::string_view key) const;
  // Replaces the value of `key` in place (keeping its declaration order) or appends it.
  void set(Entry entry);
  void erase(std::string_view key);
};

struct Document {
  std::string display_name;
  std::filesystem::path base_dir;  // relative paths in the file are relative to this folder
  std::vector<Table> tables;
  // `--set epochs=2`: overrides whose key names no table. Kept, not refused at once, because only
  // the validator knows every table's keys and so can say "did you mean train.epochs?".
  std::vector<Entry> untabled_overrides;

  const Table* find(std::string_view name) const;
  Table* find(std::string_view name);
  Table& find_or_add(const std::string& name, const Location& at);
  Location start() const { return Location::file_start(display_name); }
};

// The reserved tables that are not engine or plugin tables.
inline constexpr std::string_view kSweepTable = "sweep";
inline constexpr std::string_view kPluginsTable = "plugins";
// The key of a plugin table that names its plugin.
inline constexpr std::string_view kPluginKey = "plugin";

}  // namespace graft::experiment
