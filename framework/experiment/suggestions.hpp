#pragma once
// "did you mean" for keys, tables, plugin names and choices. nearest() itself is public
// (experiment.hpp) so the command line can use it for subcommands and plugin names too.
#include <string>
#include <vector>

#include "experiment/experiment.hpp"

namespace graft::experiment {

// " (did you mean 'lr'?)" with `open`/`close` around the suggestion, or "" when nothing is near.
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates,
                         const std::string& open = "'", const std::string& close = "'");

// "a, b, c" for the lists in error messages.
std::string join(const std::vector<std::string>& items, const std::string& separator = ", ");

}  // namespace graft::experiment
