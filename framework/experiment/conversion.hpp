#pragma once
// Typing raw values by a ParamSpec: the one place that decides what a TOML value or an override's
// text means for a key of a given type, and words the error when it does not fit.
#include <string>

#include "experiment/document.hpp"
#include "graft/params.hpp"

namespace graft::experiment {

// The value of `raw` as `spec` types it, range and choices checked. Throws ConfigError at the
// offending value, or at the offending element of a list.
ParamValue convert(const RawValue& raw, const ParamSpec& spec);

// What a raw value is, for messages: `a string ("ten")`, `an int list ([1, 2])`, `a table`.
std::string describe(const RawValue& raw);

// Splits list text from the command line, `1,2` or `[a, b]`, into an Array of Text items, each
// typed later by its element's spec.
RawValue split_list_text(const RawValue& text);

}  // namespace graft::experiment
