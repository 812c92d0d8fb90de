#pragma once
// A SchemaCatalog with made-up plugins and engine tables that look like the real ones, and
// helpers that turn TOML text into a resolved Experiment or the error it raises.
#include <string>
#include <vector>

#include "experiment/experiment.hpp"

namespace graft::experiment::testing {

const SchemaCatalog& fake_catalog();

// Three tables every valid test file needs; [experiment] at line 1, [model] at 5, [dataset] at 8.
inline constexpr const char* kBase = R"([experiment]
name = "fmnist"
seed = 1

[model]
plugin = "small_cnn"

[dataset]
plugin = "idx"
path = "/data/fmnist"
)";

Experiment resolve_text(const std::string& toml, const std::vector<std::string>& overrides = {});
// The one-line message of the ConfigError that parsing or resolving raises, or "no error".
std::string error_of(const std::string& toml, const std::vector<std::string>& overrides = {});

}  // namespace graft::experiment::testing
