#include "graft/splits.hpp"

#include <algorithm>
#include <cmath>
#include <random>

#include <fmt/format.h>

#include "graft/errors.hpp"

namespace graft {
namespace {

// Seeded Fisher-Yates: the same on every standard library, unlike std::shuffle.
void shuffle(std::vector<std::size_t>& items, std::mt19937_64& generator) {
  for (std::size_t i = items.size(); i > 1; --i) std::swap(items[i - 1], items[generator() % i]);
}

std::vector<std::vector<std::size_t>> by_class(const std::vector<std::int64_t>& labels, std::int64_t num_classes) {
  std::vector<std::vector<std::size_t>> groups(static_cast<std::size_t>(num_classes));
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] < 0 || labels[i] >= num_classes) {
      throw InputError(fmt::format("label {} of item {} is outside 0..{}", labels[i], i, num_classes - 1));
    }
    groups[static_cast<std::size_t>(labels[i])].push_back(i);
  }
  return groups;
}

void append(SplitIndex& split, const std::vector<std::size_t>& items, std::int64_t label) {
  for (auto item : items) {
    split.items.push_back(item);
    split.labels.push_back(label);
  }
}

void sort_by_item(SplitIndex& split) {
  std::vector<std::size_t> order(split.items.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](auto a, auto b) { return split.items[a] < split.items[b]; });
  SplitIndex sorted;
  for (auto i : order) append(sorted, {split.items[i]}, split.labels[i]);
  split = std::move(sorted);
}

}  // namespace

ParamSchema subset_schema() {
  return {
      int_list_param("classes", {}, "subset of source labels, relabelled 0..k-1 in this order; [] = all")
          .at_least(0)
          .without_repeats(),
      int_param("train_per_class", 0, "training examples kept per class (after the validation split); 0 = all")
          .at_least(0),
      int_param("test_per_class", 0, "test examples kept per class; 0 = all").at_least(0),
      float_param("validation_fraction", 0.1, "share of each class's training data held out for validation")
          .between(0, 0.9),
      int_param("validation_per_class", 0,
                "validation examples kept per class, from those held out; 0 = all (the rest stay out of training)")
          .at_least(0),
      int_list_param("class_groups", {},
                     "merge classes: the group (0..g-1) of each kept class, in label order; the groups become the "
                     "labels. Per-class subsets are drawn first. [] = no merging")
          .at_least(0),
      string_list_param("group_names", {}, "names of the class_groups' groups 0..g-1; [] = their numbers"),
  };
}

SubsetOptions SubsetOptions::from(const Params& params) {
  SubsetOptions options;
  options.classes = params.get_int_list("classes");
  options.train_per_class = params.get_int("train_per_class");
  options.test_per_class = params.get_int("test_per_class");
  options.validation_fraction = params.get_float("validation_fraction");
  options.validation_per_class = params.get_int("validation_per_class");
  options.class_groups = params.get_int_list("class_groups");
  options.group_names = params.get_string_list("group_names");
  return options;
}

namespace {

// class_groups: every label becomes its group; every group must be used, so that no class is empty.
void merge_classes(Splits& splits, const SubsetOptions& options) {
  if (options.class_groups.empty()) {
    if (!options.group_names.empty()) throw InputError("group_names needs class_groups");
    return;
  }
  const auto classes = splits.source_classes.size();
  if (options.class_groups.size() != classes) {
    throw InputError(fmt::format("class_groups: {} groups for {} classes: give the group of each class, in label order",
                                 options.class_groups.size(), classes));
  }
  const auto group_count = *std::max_element(options.class_groups.begin(), options.class_groups.end()) + 1;
  for (std::int64_t group = 0; group < group_count; ++group) {
    if (std::find(options.class_groups.begin(), options.class_groups.end(), group) == options.class_groups.end()) {
      throw InputError(fmt::format("class_groups: group {} has no class (groups are numbered 0..{} without gaps)", group,
                                   group_count - 1));
    }
  }
  if (!options.group_names.empty() && static_cast<std::int64_t>(options.group_names.size()) != group_count) {
    throw InputError(fmt::format("group_names: {} names for {} groups", options.group_names.size(), group_count));
  }
  for (SplitIndex* split : {&splits.train, &splits.validation, &splits.test}) {
    for (auto& label : split->labels) label = options.class_groups[static_cast<std::size_t>(label)];
  }
  for (std::int64_t group = 0; group < group_count; ++group) {
    splits.group_names.push_back(options.group_names.empty() ? std::to_string(group)
                                                             : options.group_names[static_cast<std::size_t>(group)]);
  }
}

}  // namespace

Splits make_splits(const std::vector<std::int64_t>& train_labels, const std::vector<std::int64_t>& test_labels,
                   std::int64_t num_classes, const SubsetOptions& options, std::uint64_t seed) {
  Splits splits;
  splits.source_classes = options.classes;
  if (splits.source_classes.empty()) {
    for (std::int64_t c = 0; c < num_classes; ++c) splits.source_classes.push_back(c);
  }
  for (std::size_t i = 0; i < splits.source_classes.size(); ++i) {
    const auto c = splits.source_classes[i];
    if (c < 0 || c >= num_classes) {
      throw InputError(fmt::format("classes: {} is not a label of this data (labels are 0..{})", c, num_classes - 1));
    }
    if (std::count(splits.source_classes.begin(), splits.source_classes.begin() + i, c)) {
      throw InputError(fmt::format("classes: {} is listed twice", c));
    }
  }

  const auto train_groups = by_class(train_labels, num_classes);
  const auto test_groups = by_class(test_labels, num_classes);
  std::mt19937_64 generator(seed);
  for (std::size_t label = 0; label < splits.source_classes.size(); ++label) {
    const auto source = static_cast<std::size_t>(splits.source_classes[label]);
    auto train = train_groups[source];
    shuffle(train, generator);
    const auto held_out = static_cast<std::size_t>(std::llround(options.validation_fraction * train.size()));
    std::vector<std::size_t> validation(train.begin(), train.begin() + held_out);
    train.erase(train.begin(), train.begin() + held_out);
    if (options.validation_per_class > 0 && validation.size() > static_cast<std::size_t>(options.validation_per_class)) {
      validation.resize(static_cast<std::size_t>(options.validation_per_class));
    }
    if (options.train_per_class > 0 && train.size() > static_cast<std::size_t>(options.train_per_class)) {
      train.resize(static_cast<std::size_t>(options.train_per_class));
    }
    auto test = test_groups[source];
    if (options.test_per_class > 0 && test.size() > static_cast<std::size_t>(options.test_per_class)) {
      shuffle(test, generator);
      test.resize(static_cast<std::size_t>(options.test_per_class));
    }
    const auto new_label = static_cast<std::int64_t>(label);
    append(splits.train, train, new_label);
    append(splits.validation, validation, new_label);
    append(splits.test, test, new_label);
  }
  sort_by_item(splits.train);
  sort_by_item(splits.validation);
  sort_by_item(splits.test);
  merge_classes(splits, options);
  return splits;
}

const char* split_name(Split split) {
  switch (split) {
    case Split::Train: return "train";
    case Split::Validation: return "val";
    case Split::Test: return "test";
  }
  return "unknown";
}

const SplitIndex& Splits::of(Split split) const {
  switch (split) {
    case Split::Train: return train;
    case Split::Validation: return validation;
    case Split::Test: return test;
  }
  return train;
}

std::vector<std::string> class_names_of(const Splits& splits, const std::vector<std::string>& source_names,
                                        std::int64_t num_classes) {
  if (!source_names.empty() && static_cast<std::int64_t>(source_names.size()) != num_classes) {
    throw InputError(fmt::format("class_names: {} names for {} labels", source_names.size(), num_classes));
  }
  if (!splits.group_names.empty()) return splits.group_names;
  std::vector<std::string> names;
  for (auto source : splits.source_classes) {
    names.push_back(source_names.empty() ? std::to_string(source) : source_names[static_cast<std::size_t>(source)]);
  }
  return names;
}

}  // namespace graft
