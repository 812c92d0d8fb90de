#pragma once
// Typed parameters of plugins and of the engine. A plugin declares its schema once (key, type,
// default, one-line doc, range or choices); that one declaration drives validation of experiment
// files, `--set` overrides, `graft plugins describe` and the reference docs.
// No torch here: the experiment layer and the host read schemas without LibTorch.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "graft/export.hpp"

namespace graft {

enum class ParamType { Bool, Int, Float, String, IntList, FloatList, StringList };

// The alternatives are in the order of ParamType, so value.index() == static_cast<int>(type).
using ParamValue = std::variant<bool, std::int64_t, double, std::string, std::vector<std::int64_t>,
                                std::vector<double>, std::vector<std::string>>;

GRAFT_SDK_API std::string_view type_name(ParamType type);
GRAFT_SDK_API ParamType type_of(const ParamValue& value);
// TOML spelling of a value: 3, 0.001, true, "adamw", [1, 2].
GRAFT_SDK_API std::string to_toml(const ParamValue& value);
// Shortest text that reads back as the same value, without quotes for strings: for tables and names.
GRAFT_SDK_API std::string to_display(const ParamValue& value);

struct GRAFT_SDK_API ParamSpec {
  std::string key;
  ParamType type = ParamType::String;
  std::optional<ParamValue> default_value;  // nullopt: the key is required
  std::string doc;                          // one line, shown by `graft plugins describe`
  std::optional<double> min;                // numbers, and each element of numeric lists
  std::optional<double> max;
  bool min_exclusive = false;               // min itself is refused (above(x)); else allowed
  bool max_exclusive = false;               // max itself is refused (below(x))
  bool distinct = false;                    // lists: no element twice (without_repeats())
  std::vector<std::string> choices;         // strings (and each element of string lists)

  bool required() const { return !default_value.has_value(); }
  // Chainable refinements: int_param("depth", 18, "...").between(1, 200)
  ParamSpec between(double lo, double hi) const;
  ParamSpec at_least(double lo) const;
  // Exclusive bounds, for values where the bound itself means nothing (a divisor of 0, a decay
  // factor of 1): float_param("div_factor", 25, "...").above(0). Chain with between() to keep
  // the other end: .between(0, 1).above(0) is (0, 1].
  ParamSpec above(double lo) const;
  ParamSpec below(double hi) const;
  // Lists whose elements name things (classes, groups): each may appear once.
  ParamSpec without_repeats() const;
  ParamSpec one_of(std::vector<std::string> allowed) const;
  // Empty when `value` satisfies this spec, otherwise what is wrong ("must be >= 1, got 0").
  std::string check(const ParamValue& value) const;
};

using ParamSchema = std::vector<ParamSpec>;

GRAFT_SDK_API ParamSpec bool_param(std::string key, bool def, std::string doc);
GRAFT_SDK_API ParamSpec int_param(std::string key, std::int64_t def, std::string doc);
GRAFT_SDK_API ParamSpec float_param(std::string key, double def, std::string doc);
GRAFT_SDK_API ParamSpec string_param(std::string key, std::string def, std::string doc);
GRAFT_SDK_API ParamSpec int_list_param(std::string key, std::vector<std::int64_t> def, std::string doc);
GRAFT_SDK_API ParamSpec float_list_param(std::string key, std::vector<double> def, std::string doc);
GRAFT_SDK_API ParamSpec string_list_param(std::string key, std::vector<std::string> def, std::string doc);
GRAFT_SDK_API ParamSpec required_param(std::string key, ParamType type, std::string doc);

GRAFT_SDK_API const ParamSpec* find_spec(const ParamSchema& schema, std::string_view key);

// Resolved values of one table: every key of the schema, with defaults filled in.
// Getters throw ParamError naming the key when it is missing or of another type.
class GRAFT_SDK_API Params {
 public:
  Params() = default;
  // Defaults of every non-required key of `schema`.
  static Params defaults(const ParamSchema& schema);

  void set(std::string key, ParamValue value);
  bool has(std::string_view key) const;
  const ParamValue& at(std::string_view key) const;

  bool get_bool(std::string_view key) const;
  std::int64_t get_int(std::string_view key) const;
  double get_float(std::string_view key) const;  // an Int value is widened
  const std::string& get_string(std::string_view key) const;
  const std::vector<std::int64_t>& get_int_list(std::string_view key) const;
  std::vector<double> get_float_list(std::string_view key) const;  // Int lists are widened
  const std::vector<std::string>& get_string_list(std::string_view key) const;

  const std::map<std::string, ParamValue, std::less<>>& values() const { return values_; }

 private:
  std::map<std::string, ParamValue, std::less<>> values_;
};

}  // namespace graft
