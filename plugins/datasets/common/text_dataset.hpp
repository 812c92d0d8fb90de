#pragma once
// What the text dataset plugins share: their examples held in memory (texts are small), the
// seeded hold-out of a test split for data that comes without one, and a Dataset base class that
// applies the subset params (graft/splits.hpp) and answers size()/get(). Header-only: each
// dataset is its own plugin library (included as "../common/text_dataset.hpp").
//
// Thread safety: everything is loaded and split in the constructor; size() and get() only read.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "graft/dataset.hpp"
#include "graft/errors.hpp"
#include "graft/log.hpp"
#include "graft/splits.hpp"

namespace graft::text_datasets {

// The test examples held out from data without a test split are drawn with this seed, not the
// trial's: every run of an experiment (repeats, sweeps) is measured on the same examples, as with
// data that ships its own test file. The validation split still follows the trial's seed. The
// same seed as image_folder's flat layout.
constexpr std::uint64_t kTestSplitSeed = 0x7e57;

struct TextItem {
  std::string text;
  std::string text_pair;  // empty: no pair
  std::int64_t label = -1;  // source label, in [0, TextData::num_classes)
};

// The examples of one split, in source order.
struct TextSplit {
  std::vector<TextItem> items;

  std::size_t size() const { return items.size(); }
  void add(std::string text, std::string text_pair, std::int64_t label) {
    items.push_back(TextItem{std::move(text), std::move(text_pair), label});
  }
  void append(TextSplit&& other) {
    for (auto& item : other.items) items.push_back(std::move(item));
  }
  std::vector<std::int64_t> labels() const {
    std::vector<std::int64_t> labels;
    labels.reserve(items.size());
    for (const auto& item : items) labels.push_back(item.label);
    return labels;
  }
};

// A text dataset as read: source classes and splits. Without `validation`, the validation split
// is drawn from `train` (validation_fraction); `test` may be empty.
struct TextData {
  std::vector<std::string> class_names;  // source label -> name; empty: the label numbers
  std::int64_t num_classes = 0;
  TextSplit train;
  std::optional<TextSplit> validation;
  TextSplit test;
};

// The test_fraction param of data without its own test split; `applies` says when it does.
inline ParamSpec test_fraction_param(const std::string& applies, double def = 0.2) {
  return float_param("test_fraction", def,
                     applies + ": share of each class held out as the test split (fixed seed, the same in every run)")
      .between(0, 0.9);
}

// Moves a seeded `fraction` of each class of `train` into the returned test split (make_splits'
// per-class validation hold-out, with every class kept and nothing capped). Both keep source order.
inline TextSplit hold_out_test(TextSplit& train, std::int64_t num_classes, double fraction,
                               std::uint64_t seed = kTestSplitSeed) {
  SubsetOptions options;
  options.validation_fraction = fraction;
  const auto split = make_splits(train.labels(), {}, num_classes, options, seed);
  TextSplit kept, held_out;
  for (auto item : split.train.items) kept.items.push_back(std::move(train.items[item]));
  for (auto item : split.validation.items) held_out.items.push_back(std::move(train.items[item]));
  train = std::move(kept);
  return held_out;
}

// A text dataset: the derived constructor reads its files into TextData and hands it to load().
class TextDataset : public Dataset {
 public:
  std::vector<std::string> class_names() const override { return names_; }

  std::size_t size(Split split) const override { return splits_.of(split).size(); }

  Example get(Split split, std::size_t position) const override {
    const auto& chosen = splits_.of(split);
    const auto& item = source_of(split).items.at(chosen.items.at(position));
    Example example;
    example.text = item.text;
    example.text_pair = item.text_pair;
    example.label = chosen.labels[position];
    return example;
  }

 protected:
  // Applies the subset params (classes, per-class caps, the validation split from the trial's
  // seed unless `data` has its own) and logs what was loaded: "NAME: 2 classes, ... from FROM".
  void load(TextData data, const Params& params, std::uint64_t seed, const std::string& name,
            const std::string& from) {
    if (data.train.size() == 0) throw InputError(fmt::format("{}: no training examples in {}", name, from));
    data_ = std::move(data);
    auto options = SubsetOptions::from(params);
    if (data_.validation) options.validation_fraction = 0;  // the data's own validation split
    splits_ = make_splits(data_.train.labels(), data_.test.labels(), data_.num_classes, options, seed);
    if (data_.validation) {
      // Its examples of the chosen classes, relabelled as the other splits: make_splits with
      // nothing held out or capped is exactly that selection.
      SubsetOptions classes_only;
      classes_only.classes = options.classes;
      classes_only.class_groups = options.class_groups;  // labelled as the other splits
      classes_only.validation_fraction = 0;
      splits_.validation = make_splits(data_.validation->labels(), {}, data_.num_classes, classes_only, seed).train;
    }
    names_ = class_names_of(splits_, data_.class_names, data_.num_classes);
    log::info("{}: {} classes, {} train / {} validation{} / {} test examples from {}", name, names_.size(),
              splits_.train.size(), splits_.validation.size(), data_.validation ? " (its own)" : "",
              splits_.test.size(), from);
  }

 private:
  const TextSplit& source_of(Split split) const {
    switch (split) {
      case Split::Test: return data_.test;
      case Split::Validation: return data_.validation ? *data_.validation : data_.train;
      case Split::Train: break;
    }
    return data_.train;
  }

  TextData data_;
  Splits splits_;
  std::vector<std::string> names_;
};

}  // namespace graft::text_datasets
