#pragma once
// Labels written in data files (text_table's label column, jsonl's label field) turned into
// class numbers: names (classes sorted, or in the order of a `class_names` param) or class
// numbers 0..k-1. Errors name the file and line of the row. Header-only (see text_dataset.hpp).
#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "graft/errors.hpp"
#include "graft/log.hpp"
#include "graft/params.hpp"
#include "text_dataset.hpp"

namespace graft::text_datasets {

// A class number above this is surely an id, not a class: a head that large is never meant.
constexpr std::int64_t kMaxClassNumber = 100000;

// One example as read from a file: its label as written, and where.
struct RawItem {
  std::string text;
  std::string text_pair;
  std::string label;
  std::size_t line = 0;
};

struct RawSplit {
  std::filesystem::path file;
  std::vector<RawItem> items;
};

// How a file names the label of a row, for messages: "column 'label'", "field 'label'".
struct LabelSource {
  std::string what;
};

inline ParamSchema label_schema() {
  return {
      string_param("label_type", "auto",
                   "'name': labels are class names; 'int': labels are class numbers 0..k-1; 'auto': numbers when "
                   "every label is a non-negative integer, else names")
          .one_of({"auto", "name", "int"}),
      string_list_param("class_names", {},
                        "names of the classes in label order; with name labels, the labels in the order wanted "
                        "(each label must be one); [] = the label names sorted, or the class numbers"),
  };
}

namespace detail {

inline std::string trimmed(const std::string& text) {
  const auto space = [](unsigned char c) { return std::isspace(c) != 0; };
  auto begin = std::find_if_not(text.begin(), text.end(), space);
  auto end = std::find_if_not(text.rbegin(), std::string::const_reverse_iterator(begin), space).base();
  return std::string(begin, end);
}

// A non-negative decimal integer of at most 9 digits (no sign, no spaces, no exponent).
inline std::optional<std::int64_t> class_number(const std::string& label) {
  if (label.empty() || label.size() > 9) return std::nullopt;
  if (!std::all_of(label.begin(), label.end(), [](unsigned char c) { return std::isdigit(c) != 0; })) {
    return std::nullopt;
  }
  return std::stoll(label);
}

inline std::string where(const RawSplit& split, const RawItem& item) {
  return fmt::format("{}:{}", split.file.string(), item.line);
}

}  // namespace detail

// Resolves the labels of every split (train first) and moves the texts into TextData. Empty
// labels, labels outside class_names and non-numbers with label_type = "int" are InputErrors
// naming FILE:LINE. Label text is trimmed of surrounding spaces.
inline TextData resolve_labels(RawSplit train, std::optional<RawSplit> validation, std::optional<RawSplit> test,
                               const Params& params, const LabelSource& source) {
  std::vector<RawSplit*> splits = {&train};
  if (validation) splits.push_back(&*validation);
  if (test) splits.push_back(&*test);

  for (auto* split : splits) {
    for (auto& item : split->items) {
      item.label = detail::trimmed(item.label);
      if (item.label.empty()) {
        throw InputError(fmt::format("{}: empty label ({}); give every example a label, or remove it",
                                     detail::where(*split, item), source.what));
      }
    }
  }

  const auto& type = params.get_string("label_type");
  const auto& given_names = params.get_string_list("class_names");
  bool numbers = type == "int";
  if (type == "auto") {
    numbers = true;
    for (auto* split : splits) {
      for (const auto& item : split->items) numbers = numbers && detail::class_number(item.label).has_value();
    }
  }

  TextData data;
  std::map<std::string, std::int64_t> label_of_name;
  if (numbers) {
    std::int64_t largest = -1;
    for (auto* split : splits) {
      for (const auto& item : split->items) {
        const auto number = detail::class_number(item.label);
        if (!number || *number > kMaxClassNumber) {
          throw InputError(fmt::format("{}: label '{}' ({}) is not a class number 0..{}; with label_type = \"int\" "
                                       "labels are class numbers, set label_type = \"name\" for class names",
                                       detail::where(*split, item), item.label, source.what, kMaxClassNumber));
        }
        if (!given_names.empty() && *number >= static_cast<std::int64_t>(given_names.size())) {
          throw InputError(fmt::format("{}: label {} ({}), but class_names names {} classes (0..{}); add names, or "
                                       "set label_type = \"name\" if the labels are names",
                                       detail::where(*split, item), *number, source.what, given_names.size(),
                                       given_names.size() - 1));
        }
        largest = std::max(largest, *number);
      }
    }
    data.num_classes = given_names.empty() ? largest + 1 : static_cast<std::int64_t>(given_names.size());
    data.class_names = given_names;
  } else {
    if (given_names.empty()) {
      for (auto* split : splits) {
        for (const auto& item : split->items) label_of_name.emplace(item.label, 0);
      }
      for (auto& [name, label] : label_of_name) {  // sorted by name, byte order
        label = static_cast<std::int64_t>(data.class_names.size());
        data.class_names.push_back(name);
      }
    } else {
      for (const auto& name : given_names) {
        if (!label_of_name.emplace(name, static_cast<std::int64_t>(data.class_names.size())).second) {
          throw InputError(fmt::format("class_names: '{}' is listed twice", name));
        }
        data.class_names.push_back(name);
      }
    }
    data.num_classes = static_cast<std::int64_t>(data.class_names.size());
  }

  std::vector<std::int64_t> count(static_cast<std::size_t>(data.num_classes), 0);
  const auto convert = [&](RawSplit& split) {
    TextSplit converted;
    converted.items.reserve(split.items.size());
    for (auto& item : split.items) {
      std::int64_t label = 0;
      if (numbers) {
        label = *detail::class_number(item.label);
      } else {
        const auto found = label_of_name.find(item.label);
        if (found == label_of_name.end()) {
          throw InputError(fmt::format("{}: label '{}' ({}) is not one of class_names ({}); add it there, or fix "
                                       "the example",
                                       detail::where(split, item), item.label, source.what,
                                       fmt::join(given_names, ", ")));
        }
        label = found->second;
      }
      ++count[static_cast<std::size_t>(label)];
      converted.add(std::move(item.text), std::move(item.text_pair), label);
    }
    split.items.clear();
    return converted;
  };
  data.train = convert(train);
  if (validation) data.validation = convert(*validation);
  if (test) data.test = convert(*test);

  if (numbers) {
    std::vector<std::int64_t> unused;
    for (std::size_t c = 0; c < count.size(); ++c) {
      if (count[c] == 0) unused.push_back(static_cast<std::int64_t>(c));
    }
    if (!unused.empty()) {
      const std::size_t shown = std::min<std::size_t>(unused.size(), 5);
      const std::vector<std::int64_t> first(unused.begin(), unused.begin() + static_cast<std::ptrdiff_t>(shown));
      log::warn("{}: no example has class number {}{} (classes are 0..{}); if the labels are names rather than "
                "class numbers, set label_type = \"name\"",
                train.file.string(), fmt::join(first, ", "), unused.size() > shown ? ", ..." : "",
                data.num_classes - 1);
    }
  }
  return data;
}

// The `train`, `validation` and `test` file params of datasets that read labelled records from
// files; `train_doc` says what the training file holds.
inline ParamSchema labelled_files_schema(const std::string& train_doc) {
  return {
      required_param("train", ParamType::String, train_doc),
      string_param("validation", "", "file of the validation examples; \"\" = validation_fraction of train"),
      string_param("test", "", "file of the test examples; \"\" = test_fraction of train"),
  };
}

// Reads those files with `read(path, param)` (a RawSplit each; `param` is the key alone, "train",
// "validation" or "test": PluginContext::param_path gives its path), resolves their labels, and
// holds out test_fraction of train when there is no test file.
template <class Read>
TextData read_labelled_files(const Params& params, const LabelSource& source, Read read) {
  const auto optional = [&](const char* param) -> std::optional<RawSplit> {
    const auto& path = params.get_string(param);
    if (path.empty()) return std::nullopt;
    return read(std::filesystem::path(path), param);
  };
  RawSplit train = read(std::filesystem::path(params.get_string("train")), "train");
  auto validation = optional("validation");
  auto test = optional("test");
  const bool held_out = !test.has_value();
  TextData data = resolve_labels(std::move(train), std::move(validation), std::move(test), params, source);
  if (held_out) data.test = hold_out_test(data.train, data.num_classes, params.get_float("test_fraction"));
  return data;
}

}  // namespace graft::text_datasets
