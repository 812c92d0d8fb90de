#pragma once
// TOML text -> Document. The only file that includes TOML++.
#include <optional>
#include <string>
#include <string_view>

#include "experiment/document.hpp"

namespace graft::experiment {

// Parses a whole experiment file. Throws ConfigError at the position of a syntax error, and for
// TOML that cannot be an experiment (a value outside any table, an array of tables).
Document read_toml(std::string_view text, const std::string& display_name);

// One TOML value (`3`, `"a b"`, `[1, 2]`), every part located at `at`; nullopt when `text` is not
// exactly one TOML value.
std::optional<RawValue> parse_toml_value(std::string_view text, const Location& at);

}  // namespace graft::experiment
