#include "unreadable_images.hpp"

#include <fmt/format.h>

#include "graft/errors.hpp"
#include "graft/image_io.hpp"

namespace graft::image_folder {

std::vector<std::string> drop_unreadable(LabelledFiles& split, const std::vector<std::string>& classes,
                                         OnCorrupt policy, const PluginContext& context) {
  LabelledFiles readable;
  readable.folder = split.folder;
  std::vector<std::string> problems;
  std::vector<std::size_t> readable_per_class(classes.size(), 0);
  std::vector<std::string> first_problem_per_class(classes.size());
  for (std::size_t i = 0; i < split.size(); ++i) {
    const auto label = static_cast<std::size_t>(split.labels[i]);
    std::string problem;
    if (probe_image(split.files[i], nullptr, &problem)) {
      readable.add(split.files[i], split.labels[i]);
      ++readable_per_class[label];
      continue;
    }
    if (policy == OnCorrupt::Error) {
      throw InputError(fmt::format("{} (set {} = \"skip\" to leave unreadable files out)", problem,
                                   context.param_path("on_corrupt")));
    }
    if (first_problem_per_class[label].empty()) first_problem_per_class[label] = problem;
    problems.push_back(std::move(problem));
  }
  for (std::size_t label = 0; label < classes.size(); ++label) {
    if (readable_per_class[label] == 0) {
      throw InputError(fmt::format("{}: no image of class '{}' in {} is readable; the first: {}",
                                   context.param_path("root"), classes[label], split.folder.string(),
                                   first_problem_per_class[label]));
    }
  }
  split = std::move(readable);
  return problems;
}

}  // namespace graft::image_folder
