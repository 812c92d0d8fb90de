#pragma once
// How a plugin's schema reads for people: the default and range cells of `graft plugins describe`,
// and the Markdown reference page of `graft plugins doc` (docs/plugins.md is that page for the
// built-in plugins). The schema each plugin declares is the only source of both.
#include <string>
#include <vector>

#include "graft/params.hpp"
#include "host/registry.hpp"

namespace graft::cli {

// "required" when the key has no default; an empty string default shows as "".
std::string default_text(const ParamSpec& spec);
// "one of: a, b", "[0, 1]", ">= 1", "<= 5" or "".
std::string range_text(const ParamSpec& spec);

// A Markdown page documenting `plugins`, grouped by kind and sorted by name. Only what the
// plugins declare (no file paths or hashes), so the page is the same on every machine.
std::string markdown_reference(const std::vector<const host::LoadedPlugin*>& plugins);

}  // namespace graft::cli
