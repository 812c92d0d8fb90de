#include "experiment/conversion.hpp"

#include <fmt/format.h>

#include "experiment/suggestions.hpp"
#include "experiment/toml_reading.hpp"

namespace graft::experiment {
namespace {

using Kind = RawValue::Kind;

bool is_list(ParamType type) {
  return type == ParamType::IntList || type == ParamType::FloatList || type == ParamType::StringList;
}

ParamType element_type(ParamType list) {
  switch (list) {
    case ParamType::IntList: return ParamType::Int;
    case ParamType::FloatList: return ParamType::Float;
    default: return ParamType::String;
  }
}

std::string trim(const std::string& text) {
  const char* space = " \t\r\n";
  auto begin = text.find_first_not_of(space);
  if (begin == std::string::npos) return {};
  return text.substr(begin, text.find_last_not_of(space) - begin + 1);
}

std::string with_article(const std::string& noun) {
  bool vowel = !noun.empty() && std::string("aeiou").find(noun[0]) != std::string::npos;
  return (vowel ? "an " : "a ") + noun;
}

// True for `[1, 2]` and `[[1], [2]]`, false for `[1,2],[3]`: the first '[' closes at the end.
bool bracketed(const std::string& body) {
  if (body.size() < 2 || body.front() != '[' || body.back() != ']') return false;
  int depth = 0;
  for (std::size_t i = 0; i < body.size(); ++i) {
    depth += body[i] == '[' ? 1 : body[i] == ']' ? -1 : 0;
    if (depth == 0) return i + 1 == body.size();
  }
  return false;
}

RawValue string_value(std::string text, const Location& at) {
  RawValue raw;
  raw.kind = Kind::String;
  raw.text = std::move(text);
  raw.at = at;
  return raw;
}

// An override's text typed for `type`: TOML when it reads as TOML, else (strings, and values
// that are wrong anyway) the raw text, so "ten" for an int reports `got a string ("ten")`.
RawValue typed_text(const RawValue& raw, ParamType type) {
  std::string text = trim(raw.text);
  auto parsed = parse_toml_value(text, raw.at);
  if (is_list(type)) return parsed && parsed->kind == Kind::Array ? *parsed : split_list_text(raw);
  if (type == ParamType::String) {
    // Only a quoted string is read as TOML: `--set dataset.path=2024` is the text "2024".
    bool quoted = !text.empty() && (text[0] == '"' || text[0] == '\'');
    return quoted && parsed && parsed->kind == Kind::String ? *parsed : string_value(text, raw.at);
  }
  return parsed ? *parsed : string_value(text, raw.at);
}

std::string raw_type_name(const RawValue& raw) {
  switch (raw.kind) {
    case Kind::Bool: return "bool";
    case Kind::Int: return "int";
    case Kind::Float: return "float";
    case Kind::String:
    case Kind::Text: return "string";
    case Kind::Other: return raw.text;
    case Kind::Array: break;
  }
  if (raw.items.empty()) return "empty list";
  std::string element = raw_type_name(raw.items.front());
  for (const auto& item : raw.items) {
    std::string name = raw_type_name(item);
    if (name == element) continue;
    bool numbers = (name == "int" || name == "float") && (element == "int" || element == "float");
    if (!numbers) return "mixed list";
    element = "float";
  }
  return element + " list";
}

// TOML spelling for messages; empty for values that have none worth quoting (tables, dates).
std::string render(const RawValue& raw) {
  switch (raw.kind) {
    case Kind::Bool: return to_toml(ParamValue{raw.boolean});
    case Kind::Int: return to_toml(ParamValue{raw.integer});
    case Kind::Float: return to_toml(ParamValue{raw.floating});
    case Kind::String:
    case Kind::Text: return to_toml(ParamValue{raw.text});
    case Kind::Other: return {};
    case Kind::Array: break;
  }
  std::vector<std::string> items;
  for (const auto& item : raw.items) items.push_back(render(item));
  return "[" + join(items) + "]";
}

// A scalar of `type` (an int widened to a float), or nullopt when `raw` is something else.
std::optional<ParamValue> scalar_as(const RawValue& raw, ParamType type) {
  if (raw.kind == Kind::Text) return scalar_as(typed_text(raw, type), type);
  switch (type) {
    case ParamType::Bool:
      if (raw.kind == Kind::Bool) return ParamValue{raw.boolean};
      break;
    case ParamType::Int:
      if (raw.kind == Kind::Int) return ParamValue{raw.integer};
      break;
    case ParamType::Float:
      if (raw.kind == Kind::Float) return ParamValue{raw.floating};
      if (raw.kind == Kind::Int) return ParamValue{static_cast<double>(raw.integer)};
      break;
    case ParamType::String:
      if (raw.kind == Kind::String) return ParamValue{raw.text};
      break;
    default: break;
  }
  return std::nullopt;
}

template <class T>
std::vector<T> list_of(const RawValue& list, const ParamSpec& spec) {
  std::vector<T> out;
  for (std::size_t i = 0; i < list.items.size(); ++i) {
    const RawValue& item = list.items[i];
    auto value = scalar_as(item, element_type(spec.type));
    if (!value) {
      const RawValue shown = item.kind == Kind::Text ? typed_text(item, element_type(spec.type)) : item;
      fail(item.at, fmt::format("'{}' must be {}, but element {} is {}", spec.key, with_article(std::string(type_name(spec.type))),
                                i + 1, describe(shown)));
    }
    out.push_back(std::get<T>(*value));
  }
  return out;
}

// `--set train.lr=1e-3,3e-3` is a list given to a scalar key: the user most likely meant a sweep.
std::string sweep_hint(const Location& at, const ParamSpec& spec) {
  const bool listed = at.origin.find(',') != std::string::npos || at.origin.find('[') != std::string::npos;
  if (!at.from_override || is_list(spec.type) || !listed || at.origin.rfind(kSweepTable, 0) == 0) return {};
  return fmt::format("; to try each value, sweep it: --set '{}.{}'", kSweepTable, at.origin);
}

ParamValue typed(const RawValue& raw, const ParamSpec& spec) {
  auto mismatch = [&] {
    fail(raw.at, fmt::format("'{}' must be {}, got {}{}", spec.key, with_article(std::string(type_name(spec.type))),
                             describe(raw), sweep_hint(raw.at, spec)));
  };
  if (!is_list(spec.type)) {
    auto value = scalar_as(raw, spec.type);
    if (!value) mismatch();
    return *value;
  }
  if (raw.kind != Kind::Array) mismatch();
  switch (spec.type) {
    case ParamType::IntList: return list_of<std::int64_t>(raw, spec);
    case ParamType::FloatList: return list_of<double>(raw, spec);
    default: return list_of<std::string>(raw, spec);
  }
}

// ParamSpec::check's text, plus "did you mean" when a string misses the choices.
void check(const ParamValue& value, const ParamSpec& spec, const Location& at) {
  std::string problem = spec.check(value);
  if (problem.empty()) return;
  auto single = [](const ParamValue& v) -> const std::string* {
    if (const auto* text = std::get_if<std::string>(&v)) return text;
    if (const auto* texts = std::get_if<std::vector<std::string>>(&v); texts && texts->size() == 1) return &texts->front();
    return nullptr;
  };
  if (const std::string* text = single(value); text && !spec.choices.empty())
    problem += did_you_mean(*text, spec.choices);
  fail(at, problem);
}

// Each element of a list alone, so the error points at the element that is out of range; then
// the list as a whole (an element listed twice), at the list.
template <class T>
void check_elements(const std::vector<T>& values, const RawValue& raw, const ParamSpec& spec) {
  for (std::size_t i = 0; i < values.size(); ++i) check(ParamValue{std::vector<T>{values[i]}}, spec, raw.items[i].at);
  check(ParamValue{values}, spec, raw.at);
}

}  // namespace

ParamValue convert(const RawValue& raw, const ParamSpec& spec) {
  if (raw.kind == Kind::Text) return convert(typed_text(raw, spec.type), spec);
  ParamValue value = typed(raw, spec);
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::vector<std::int64_t>> || std::is_same_v<T, std::vector<double>> ||
                      std::is_same_v<T, std::vector<std::string>>)
          check_elements(v, raw, spec);
        else
          check(value, spec, raw.at);
      },
      value);
  return value;
}

std::string describe(const RawValue& raw) {
  std::string text = render(raw);
  std::string what = with_article(raw_type_name(raw));
  return text.empty() ? what : fmt::format("{} ({})", what, text);
}

RawValue split_list_text(const RawValue& text) {
  std::string body = trim(text.text);
  if (bracketed(body)) body = trim(body.substr(1, body.size() - 2));
  RawValue list;
  list.kind = Kind::Array;
  list.at = text.at;
  if (body.empty()) return list;
  // Commas inside quotes or nested brackets do not split: `[1,2],[3]` is two int lists.
  int depth = 0;
  char quote = 0;
  std::string piece;
  auto flush = [&] {
    RawValue item = text;
    item.text = trim(piece);
    list.items.push_back(std::move(item));
    piece.clear();
  };
  for (char c : body) {
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '[') {
      ++depth;
    } else if (c == ']') {
      --depth;
    } else if (c == ',' && depth == 0) {
      flush();
      continue;
    }
    piece += c;
  }
  flush();
  return list;
}

}  // namespace graft::experiment
