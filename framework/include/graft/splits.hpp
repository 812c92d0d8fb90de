#pragma once
// Subsets and splits of labelled data, shared by dataset plugins so that every dataset offers
// the same params with the same meaning: `classes` (a subset, relabelled 0..k-1 in the order
// given), `train_per_class`, `test_per_class`, `validation_fraction` (split from the training
// data per class, seeded) and `validation_per_class` (a cap on it); `class_groups` and
// `group_names` merge the kept classes into coarser ones (a multi-task run's coarse task, say)
// after the per-class subsets are drawn. No torch here.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "graft/export.hpp"
#include "graft/params.hpp"
#include "graft/split.hpp"

namespace graft {

// The params above, to append to a dataset's schema.
GRAFT_SDK_API ParamSchema subset_schema();

struct SubsetOptions {
  std::vector<std::int64_t> classes;  // empty: all, in label order
  std::int64_t train_per_class = 0;   // 0: all
  std::int64_t test_per_class = 0;    // 0: all
  double validation_fraction = 0.1;
  std::int64_t validation_per_class = 0;  // 0: all held-out examples
  std::vector<std::int64_t> class_groups;  // group of each kept class, in label order; empty: no merging
  std::vector<std::string> group_names;    // names of groups 0..g-1; empty: the group numbers
  GRAFT_SDK_API static SubsetOptions from(const Params& params);
};

// Items of one split: positions in the source data and their new labels.
struct SplitIndex {
  std::vector<std::size_t> items;
  std::vector<std::int64_t> labels;
  std::size_t size() const { return items.size(); }
};

struct Splits {
  SplitIndex train, validation, test;
  std::vector<std::int64_t> source_classes;  // new label -> label in the source data (before grouping)
  std::vector<std::string> group_names;      // with class_groups: the label names

  GRAFT_SDK_API const SplitIndex& of(Split split) const;
};

// `train_labels` / `test_labels`: the source labels, in [0, num_classes). Throws InputError for a
// class that is not in the data. Deterministic for a given seed.
GRAFT_SDK_API Splits make_splits(const std::vector<std::int64_t>& train_labels,
                                 const std::vector<std::int64_t>& test_labels, std::int64_t num_classes,
                                 const SubsetOptions& options, std::uint64_t seed);

// Names of the task's classes (new labels 0..k-1): `source_names[source label]`, or the source
// label's number when `source_names` is empty; the group names with class_groups. Throws InputError ("class_names: 3 names for 10
// labels") when `source_names` does not name every source label.
GRAFT_SDK_API std::vector<std::string> class_names_of(const Splits& splits, const std::vector<std::string>& source_names,
                                                      std::int64_t num_classes);

}  // namespace graft
