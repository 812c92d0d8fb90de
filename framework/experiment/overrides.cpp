#include "experiment/overrides.hpp"

#include <fmt/format.h>

#include "experiment/conversion.hpp"
#include "experiment/toml_reading.hpp"

namespace graft::experiment {
namespace {

std::string trim(const std::string& text) {
  auto begin = text.find_first_not_of(" \t");
  if (begin == std::string::npos) return {};
  return text.substr(begin, text.find_last_not_of(" \t") - begin + 1);
}

// "train.lr" -> {"train", "lr"}; both parts non-empty.
std::pair<std::string, std::string> split_dotted(const std::string& key, const Location& at, const char* example) {
  auto parts = split_table_key(key);
  if (parts.first.empty()) fail(at, fmt::format("'{}' must be TABLE.KEY, e.g. {}", key, example));
  return parts;
}

// Whether the linked sweep key "a.x, b.y" names `key`.
bool links(const std::string& linked_key, const std::string& key) {
  std::size_t begin = 0;
  for (;;) {
    const auto comma = linked_key.find(',', begin);
    if (trim(linked_key.substr(begin, comma == std::string::npos ? std::string::npos : comma - begin)) == key) return true;
    if (comma == std::string::npos) return false;
    begin = comma + 1;
  }
}

// "strategy.plugin,model.pretrained" -> "strategy.plugin, model.pretrained": the one spelling of a
// linked axis, so that a --set replaces the file's axis however either wrote the commas.
std::string linked_spelling(const std::string& key) {
  std::string out;
  std::size_t begin = 0;
  for (;;) {
    const auto comma = key.find(',', begin);
    out += (out.empty() ? "" : ", ") + trim(key.substr(begin, comma == std::string::npos ? std::string::npos : comma - begin));
    if (comma == std::string::npos) return out;
    begin = comma + 1;
  }
}

RawValue text_value(const Override& override, const Location& at) {
  RawValue raw;
  raw.kind = RawValue::Kind::Text;
  raw.text = override.value;
  raw.at = at;
  return raw;
}

// A sweep axis from the command line: a TOML array, or comma-separated values (bracketed or
// not) that are typed later by the swept key's spec.
RawValue sweep_values(const Override& override, const Location& at) {
  auto parsed = parse_toml_value(override.value, at);
  if (parsed && parsed->kind == RawValue::Kind::Array) return *parsed;
  return split_list_text(text_value(override, at));
}

}  // namespace

Override parse_override(const std::string& text) {
  const Location at = Location::override_text(text);
  auto equals = text.find('=');
  if (equals == std::string::npos) fail(at, "expected KEY=VALUE, e.g. train.lr=3e-4");
  Override out{trim(text.substr(0, equals)), trim(text.substr(equals + 1)), text};
  if (out.key.empty()) fail(at, "missing KEY before '=', e.g. train.lr=3e-4");
  return out;
}

void apply_overrides(Document& doc, const std::vector<Override>& overrides) {
  for (const Override& override : overrides) {
    const Location at = Location::override_text(override.text.empty() ? override.key + "=" + override.value
                                                                       : override.text);
    if (override.key.find('.') == std::string::npos) {
      doc.untabled_overrides.push_back(Entry{override.key, at, text_value(override, at)});
      continue;
    }
    auto [table, key] = split_dotted(override.key, at, "train.lr");
    if (table == kSweepTable) {
      split_dotted(key, at, "sweep.train.lr");  // the axis names a key of a table
      Table& sweep = doc.find_or_add(table, at);
      for (const Entry& entry : sweep.entries) {
        if (entry.key != key && linked_spelling(entry.key) == linked_spelling(key)) {
          key = entry.key;  // the file's spelling of the same axis: replace it, not add a second one
          break;
        }
      }
      sweep.set(Entry{key, at, sweep_values(override, at)});
      continue;
    }
    doc.find_or_add(table, at).set(Entry{key, at, text_value(override, at)});
    // A fixed value pins a swept key: `--set train.lr=1e-3` runs the sweep without that axis.
    if (Table* sweep = doc.find(kSweepTable)) {
      sweep->erase(override.key);
      for (const Entry& entry : sweep->entries) {
        if (entry.key.find(',') != std::string::npos && links(entry.key, override.key)) {
          fail(at, fmt::format("'{}' is linked with other keys in the sweep '{}': replace that whole axis with "
                               "--set 'sweep.{}=[[...], ...]' instead",
                               override.key, entry.key, entry.key));
        }
      }
    }
  }
}

}  // namespace graft::experiment
