#include "graft/params.hpp"

#include <cmath>
#include <map>
#include <sstream>

#include <fmt/format.h>

#include "graft/errors.hpp"

namespace graft {
namespace {

std::string quote(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        // TOML strings may not hold other control characters raw; canonical configs must parse.
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) out += fmt::format("\\u{:04X}", static_cast<unsigned>(c));
        else out += c;
    }
  }
  return out + "\"";
}

// Shortest round-trip form that still reads as a float in TOML (1.0, not 1).
std::string float_text(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  std::string text = fmt::format("{}", value);
  if (text.find_first_of(".eEn") == std::string::npos) text += ".0";
  return text;
}

template <class T, class Format>
std::string list_text(const std::vector<T>& items, Format format) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += ", ";
    out += format(items[i]);
  }
  return out + "]";
}

// "an int", "a float": for messages.
std::string with_article(ParamType type) {
  const std::string_view name = type_name(type);
  return std::string(name.front() == 'i' ? "an " : "a ") + std::string(name);
}

std::string number_text(double value) {
  return value == std::floor(value) && std::abs(value) < 1e15 ? fmt::format("{}", static_cast<long long>(value))
                                                               : fmt::format("{}", value);
}

}  // namespace

std::string_view type_name(ParamType type) {
  switch (type) {
    case ParamType::Bool: return "bool";
    case ParamType::Int: return "int";
    case ParamType::Float: return "float";
    case ParamType::String: return "string";
    case ParamType::IntList: return "int list";
    case ParamType::FloatList: return "float list";
    case ParamType::StringList: return "string list";
  }
  return "unknown";
}

ParamType type_of(const ParamValue& value) { return static_cast<ParamType>(value.index()); }

std::string to_toml(const ParamValue& value) {
  return std::visit(
      [](const auto& v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, bool>) return v ? "true" : "false";
        else if constexpr (std::is_same_v<T, std::int64_t>) return std::to_string(v);
        else if constexpr (std::is_same_v<T, double>) return float_text(v);
        else if constexpr (std::is_same_v<T, std::string>) return quote(v);
        else if constexpr (std::is_same_v<T, std::vector<std::int64_t>>)
          return list_text(v, [](std::int64_t x) { return std::to_string(x); });
        else if constexpr (std::is_same_v<T, std::vector<double>>) return list_text(v, float_text);
        else return list_text(v, quote);
      },
      value);
}

std::string to_display(const ParamValue& value) {
  if (const auto* text = std::get_if<std::string>(&value)) return *text;
  if (const auto* number = std::get_if<double>(&value)) return fmt::format("{}", *number);
  return to_toml(value);
}

ParamSpec ParamSpec::between(double lo, double hi) const {
  ParamSpec copy = *this;
  copy.min = lo;
  copy.max = hi;
  copy.min_exclusive = copy.max_exclusive = false;
  return copy;
}

ParamSpec ParamSpec::at_least(double lo) const {
  ParamSpec copy = *this;
  copy.min = lo;
  copy.min_exclusive = false;
  return copy;
}

ParamSpec ParamSpec::above(double lo) const {
  ParamSpec copy = *this;
  copy.min = lo;
  copy.min_exclusive = true;
  return copy;
}

ParamSpec ParamSpec::below(double hi) const {
  ParamSpec copy = *this;
  copy.max = hi;
  copy.max_exclusive = true;
  return copy;
}

ParamSpec ParamSpec::without_repeats() const {
  ParamSpec copy = *this;
  copy.distinct = true;
  return copy;
}

ParamSpec ParamSpec::one_of(std::vector<std::string> allowed) const {
  ParamSpec copy = *this;
  copy.choices = std::move(allowed);
  return copy;
}

std::string ParamSpec::check(const ParamValue& value) const {
  if (type_of(value) != type) {
    return fmt::format("'{}' must be {}, got {} ({})", key, with_article(type), with_article(type_of(value)),
                       to_toml(value));
  }
  auto check_number = [&](double x) -> std::string {
    if (min && (x < *min || (min_exclusive && x == *min)))
      return fmt::format("'{}' must be {} {}, got {}", key, min_exclusive ? ">" : ">=", number_text(*min), number_text(x));
    if (max && (x > *max || (max_exclusive && x == *max)))
      return fmt::format("'{}' must be {} {}, got {}", key, max_exclusive ? "<" : "<=", number_text(*max), number_text(x));
    return {};
  };
  auto check_choice = [&](const std::string& x) -> std::string {
    if (choices.empty()) return {};
    for (const auto& c : choices)
      if (c == x) return {};
    std::string allowed;
    for (const auto& c : choices) allowed += (allowed.empty() ? "" : ", ") + quote(c);
    return fmt::format("'{}' must be one of {}, got {}", key, allowed, quote(x));
  };
  // The first element listed again, with both positions (1-based). A map, not a pairwise scan: a
  // generated list may hold many thousands of elements.
  auto check_repeats = [&](const auto& list) -> std::string {
    if (!distinct) return {};
    std::map<typename std::decay_t<decltype(list)>::value_type, std::size_t> first_at;
    for (std::size_t i = 0; i < list.size(); ++i) {
      const auto [seen, added] = first_at.emplace(list[i], i);
      if (!added)
        return fmt::format("'{}' lists {} twice (items {} and {}); name each once", key, to_display(list[i]),
                           seen->second + 1, i + 1);
    }
    return {};
  };
  return std::visit(
      [&](const auto& v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::int64_t> || std::is_same_v<T, double>) {
          return check_number(static_cast<double>(v));
        } else if constexpr (std::is_same_v<T, std::string>) {
          return check_choice(v);
        } else if constexpr (std::is_same_v<T, std::vector<std::int64_t>> || std::is_same_v<T, std::vector<double>>) {
          for (auto x : v)
            if (auto problem = check_number(static_cast<double>(x)); !problem.empty()) return problem;
          return check_repeats(v);
        } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
          for (const auto& x : v)
            if (auto problem = check_choice(x); !problem.empty()) return problem;
          return check_repeats(v);
        } else {
          return {};
        }
      },
      value);
}

namespace {
ParamSpec make_spec(std::string key, ParamType type, std::optional<ParamValue> def, std::string doc) {
  ParamSpec spec;
  spec.key = std::move(key);
  spec.type = type;
  spec.default_value = std::move(def);
  spec.doc = std::move(doc);
  return spec;
}
}  // namespace

ParamSpec bool_param(std::string key, bool def, std::string doc) {
  return make_spec(std::move(key), ParamType::Bool, ParamValue{def}, std::move(doc));
}
ParamSpec int_param(std::string key, std::int64_t def, std::string doc) {
  return make_spec(std::move(key), ParamType::Int, ParamValue{def}, std::move(doc));
}
ParamSpec float_param(std::string key, double def, std::string doc) {
  return make_spec(std::move(key), ParamType::Float, ParamValue{def}, std::move(doc));
}
ParamSpec string_param(std::string key, std::string def, std::string doc) {
  return make_spec(std::move(key), ParamType::String, ParamValue{std::move(def)}, std::move(doc));
}
ParamSpec int_list_param(std::string key, std::vector<std::int64_t> def, std::string doc) {
  return make_spec(std::move(key), ParamType::IntList, ParamValue{std::move(def)}, std::move(doc));
}
ParamSpec float_list_param(std::string key, std::vector<double> def, std::string doc) {
  return make_spec(std::move(key), ParamType::FloatList, ParamValue{std::move(def)}, std::move(doc));
}
ParamSpec string_list_param(std::string key, std::vector<std::string> def, std::string doc) {
  return make_spec(std::move(key), ParamType::StringList, ParamValue{std::move(def)}, std::move(doc));
}
ParamSpec required_param(std::string key, ParamType type, std::string doc) {
  return make_spec(std::move(key), type, std::nullopt, std::move(doc));
}

const ParamSpec* find_spec(const ParamSchema& schema, std::string_view key) {
  for (const auto& spec : schema)
    if (spec.key == key) return &spec;
  return nullptr;
}

Params Params::defaults(const ParamSchema& schema) {
  Params params;
  for (const auto& spec : schema)
    if (spec.default_value) params.set(spec.key, *spec.default_value);
  return params;
}

void Params::set(std::string key, ParamValue value) { values_[std::move(key)] = std::move(value); }

bool Params::has(std::string_view key) const { return values_.find(key) != values_.end(); }

const ParamValue& Params::at(std::string_view key) const {
  auto it = values_.find(key);
  if (it == values_.end()) throw ParamError(fmt::format("parameter '{}' is not set", key));
  return it->second;
}

namespace {
template <class T>
const T& get_as(const Params& params, std::string_view key, ParamType expected) {
  const ParamValue& value = params.at(key);
  if (const T* typed = std::get_if<T>(&value)) return *typed;
  throw ParamError(fmt::format("parameter '{}' is {}, not {}", key, with_article(type_of(value)), with_article(expected)));
}
}  // namespace

bool Params::get_bool(std::string_view key) const { return get_as<bool>(*this, key, ParamType::Bool); }
std::int64_t Params::get_int(std::string_view key) const { return get_as<std::int64_t>(*this, key, ParamType::Int); }
double Params::get_float(std::string_view key) const {
  if (const auto* integer = std::get_if<std::int64_t>(&at(key))) return static_cast<double>(*integer);
  return get_as<double>(*this, key, ParamType::Float);
}
const std::string& Params::get_string(std::string_view key) const {
  return get_as<std::string>(*this, key, ParamType::String);
}
const std::vector<std::int64_t>& Params::get_int_list(std::string_view key) const {
  return get_as<std::vector<std::int64_t>>(*this, key, ParamType::IntList);
}
std::vector<double> Params::get_float_list(std::string_view key) const {
  if (const auto* integers = std::get_if<std::vector<std::int64_t>>(&at(key)))
    return std::vector<double>(integers->begin(), integers->end());
  return get_as<std::vector<double>>(*this, key, ParamType::FloatList);
}
const std::vector<std::string>& Params::get_string_list(std::string_view key) const {
  return get_as<std::vector<std::string>>(*this, key, ParamType::StringList);
}

}  // namespace graft
