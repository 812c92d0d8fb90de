#pragma once
// Helpers of the text dataset tests: creating a built-in dataset plugin, writing input files, and
// reading back what a dataset returns.
#include <ATen/ATen.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "builtin.hpp"
#include "graft/dataset.hpp"

namespace graft::testing {

using Overrides = std::vector<std::pair<std::string, ParamValue>>;
constexpr Split kSplits[] = {Split::Train, Split::Validation, Split::Test};

inline std::shared_ptr<Dataset> make_dataset(const std::string& name, const Overrides& overrides,
                                             std::uint64_t seed = 1) {
  return make_plugin<Dataset>(name, overrides, seed);
}

inline void write_file(const std::filesystem::path& path, const std::string& bytes) {
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << bytes;
}

// The texts of a split's examples, in order.
inline std::vector<std::string> texts(const Dataset& dataset, Split split) {
  std::vector<std::string> result;
  for (std::size_t i = 0; i < dataset.size(split); ++i) result.push_back(dataset.get(split, i).text);
  return result;
}

inline std::set<std::string> text_set(const Dataset& dataset, Split split) {
  const auto list = texts(dataset, split);
  return {list.begin(), list.end()};
}

// text -> class name, over every split.
inline std::map<std::string, std::string> class_of_text(const Dataset& dataset) {
  const auto names = dataset.class_names();
  std::map<std::string, std::string> result;
  for (Split split : kSplits) {
    for (std::size_t i = 0; i < dataset.size(split); ++i) {
      const auto example = dataset.get(split, i);
      result[example.text] = names.at(static_cast<std::size_t>(example.label));
    }
  }
  return result;
}

inline bool disjoint(const std::set<std::string>& a, const std::set<std::string>& b) {
  for (const auto& x : a) {
    if (b.count(x)) return false;
  }
  return true;
}

}  // namespace graft::testing
