#pragma once
// "Did you mean" for names a person typed: plugin names here, and anything else the host or the
// command line matches against a known list. Kept local to the host so that it depends on the
// SDK only.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace graft::host {

// Levenshtein distance (insertions, deletions, substitutions; each costs 1).
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `typed`, ignoring case, when it is close enough to be a typo
// (at most a third of the typed length, and at least one edit, is allowed); ties go to the
// first candidate. nullopt when nothing is close.
std::optional<std::string> closest(std::string_view typed, const std::vector<std::string>& candidates);

// " (did you mean 'x'?)" when a candidate is close, else "": ready to append to a message.
std::string did_you_mean(std::string_view typed, const std::vector<std::string>& candidates);

// "a, b, c"
std::string join(const std::vector<std::string>& items, std::string_view separator = ", ");

}  // namespace graft::host
