#pragma once
// Small image folders for the image_folder tests. Every image is a 4x4 grayscale PNG filled with
// one "mark" value, unique in a test, so a decoded example tells which file it came from.
#include <ATen/ATen.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "graft/image_io.hpp"

namespace graft::testing {

inline void write_marked_png(const std::filesystem::path& file, int mark) {
  std::filesystem::create_directories(file.parent_path());
  write_png(file, at::full({1, 4, 4}, mark, at::kByte));
}

inline int mark_of(const at::Tensor& image) { return image[0][0][0].item<int>(); }

// folder/<class>/img<i>.png, `per_class` images of each class, marked first_mark, first_mark + 1, ...
// Returns the class of each mark.
inline std::map<int, std::string> write_classes(const std::filesystem::path& folder, const std::vector<std::string>& classes,
                                                int per_class, int first_mark) {
  std::map<int, std::string> class_of_mark;
  int mark = first_mark;
  for (const auto& name : classes) {
    for (int i = 0; i < per_class; ++i, ++mark) {
      write_marked_png(folder / name / ("img" + std::to_string(i) + ".png"), mark);
      class_of_mark[mark] = name;
    }
  }
  return class_of_mark;
}

}  // namespace graft::testing
