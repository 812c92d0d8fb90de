#pragma once
// Finding unreadable image files before training rather than in the middle of an epoch: every file
// is probed (its header only, so a large dataset is checked in seconds, not decoded).
#include <string>
#include <vector>

#include "graft/plugin.hpp"
#include "image_tree.hpp"

namespace graft::image_folder {

enum class OnCorrupt { Error, Skip };

// Error: throws InputError for the first file that fails the probe, naming it and what is wrong.
// Skip: removes such files from `split` and returns what was wrong with each (each names its file);
// a class left without images is an InputError. `classes` names the labels in messages, `context`
// the table whose params they name.
std::vector<std::string> drop_unreadable(LabelledFiles& split, const std::vector<std::string>& classes,
                                         OnCorrupt policy, const PluginContext& context);

}  // namespace graft::image_folder
