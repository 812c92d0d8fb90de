#include "experiment/document.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "experiment/experiment.hpp"

namespace graft::experiment {

std::string Location::where() const {
  if (from_override) return "--set " + origin;
  return fmt::format("{}:{}:{}", origin, line, column);
}

void fail(const Location& at, std::string_view message) {
  throw ConfigError(fmt::format("{}: error: {}", at.where(), message));
}

const Entry* Table::find(std::string_view key) const {
  auto it = std::find_if(entries.begin(), entries.end(), [&](const Entry& e) { return e.key == key; });
  return it == entries.end() ? nullptr : &*it;
}

void Table::set(Entry entry) {
  auto it = std::find_if(entries.begin(), entries.end(), [&](const Entry& e) { return e.key == entry.key; });
  if (it == entries.end()) entries.push_back(std::move(entry));
  else *it = std::move(entry);
}

void Table::erase(std::string_view key) {
  entries.erase(std::remove_if(entries.begin(), entries.end(), [&](const Entry& e) { return e.key == key; }),
                entries.end());
}

const Table* Document::find(std::string_view name) const {
  auto it = std::find_if(tables.begin(), tables.end(), [&](const Table& t) { return t.name == name; });
  return it == tables.end() ? nullptr : &*it;
}

Table* Document::find(std::string_view name) {
  return const_cast<Table*>(static_cast<const Document&>(*this).find(name));
}

bool is_table_family(std::string_view name) { return name == kTaskFamily; }

std::string family_of(std::string_view table) {
  const auto dot = table.find('.');
  if (dot == std::string_view::npos) return {};
  const auto family = table.substr(0, dot);
  return is_table_family(family) ? std::string(family) : std::string();
}

bool is_member_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '_' || c == '-';
  });
}

std::pair<std::string, std::string> split_table_key(const std::string& key) {
  auto dot = key.find('.');
  if (dot == std::string::npos || dot == 0) return {};
  if (is_table_family(std::string_view(key).substr(0, dot))) {
    dot = key.find('.', dot + 1);
    if (dot == std::string::npos) return {};
  }
  if (dot + 1 == key.size()) return {};
  return {key.substr(0, dot), key.substr(dot + 1)};
}

Table& Document::find_or_add(const std::string& name, const Location& at) {
  if (Table* table = find(name)) return *table;
  tables.push_back(Table{name, at, {}});
  return tables.back();
}

}  // namespace graft::experiment
