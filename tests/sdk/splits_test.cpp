// Before Catch: LibTorch headers define a CHECK macro of their own, which Catch must override.
#include "graft/batch.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <set>

#include "graft/errors.hpp"
#include "graft/splits.hpp"

using namespace graft;

namespace {
std::vector<std::int64_t> labels_cycle(int count, int classes) {
  std::vector<std::int64_t> labels;
  for (int i = 0; i < count; ++i) labels.push_back(i % classes);
  return labels;
}
}  // namespace

TEST_CASE("make_splits holds out a stratified validation fraction and caps per class") {
  const auto train = labels_cycle(1000, 10);  // 100 per class
  const auto test = labels_cycle(200, 10);
  SubsetOptions options;
  options.validation_fraction = 0.2;
  options.train_per_class = 30;
  options.test_per_class = 5;
  const auto splits = make_splits(train, test, 10, options, /*seed=*/1);
  CHECK(splits.validation.size() == 200);
  CHECK(splits.train.size() == 300);
  CHECK(splits.test.size() == 50);
  // No example in two splits.
  std::set<std::size_t> seen(splits.train.items.begin(), splits.train.items.end());
  for (auto item : splits.validation.items) CHECK(seen.count(item) == 0);
  // Labels agree with the source.
  for (std::size_t i = 0; i < splits.train.size(); ++i) CHECK(splits.train.labels[i] == train[splits.train.items[i]]);
}

TEST_CASE("validation_per_class caps the validation split without giving its examples to training") {
  const auto train = labels_cycle(1000, 10);  // 100 per class
  SubsetOptions options;
  options.validation_fraction = 0.5;
  options.validation_per_class = 7;
  const auto capped = make_splits(train, {}, 10, options, /*seed=*/3);
  CHECK(capped.validation.size() == 70);
  CHECK(capped.train.size() == 500);  // the other 43 held out per class stay out of training
  for (std::int64_t label = 0; label < 10; ++label) {
    CHECK(std::count(capped.validation.labels.begin(), capped.validation.labels.end(), label) == 7);
  }
  options.validation_per_class = 0;
  const auto all = make_splits(train, {}, 10, options, /*seed=*/3);
  CHECK(all.validation.size() == 500);
  CHECK(all.train.items == capped.train.items);  // the same draw: the cap only trims validation
}

TEST_CASE("make_splits relabels a class subset in the order given") {
  const auto train = labels_cycle(100, 10);
  SubsetOptions options;
  options.classes = {7, 2};
  options.validation_fraction = 0;
  const auto splits = make_splits(train, train, 10, options, 1);
  CHECK(splits.source_classes == std::vector<std::int64_t>{7, 2});
  CHECK(splits.train.size() == 20);
  for (std::size_t i = 0; i < splits.train.size(); ++i) {
    const auto source = train[splits.train.items[i]];
    CHECK(splits.train.labels[i] == (source == 7 ? 0 : 1));
  }
}

TEST_CASE("make_splits is deterministic for a seed and differs across seeds") {
  const auto train = labels_cycle(500, 5);
  SubsetOptions options;
  options.validation_fraction = 0.1;
  const auto a = make_splits(train, train, 5, options, 3);
  const auto b = make_splits(train, train, 5, options, 3);
  const auto c = make_splits(train, train, 5, options, 4);
  CHECK(a.validation.items == b.validation.items);
  CHECK(a.validation.items != c.validation.items);
}

TEST_CASE("make_splits refuses classes that are not in the data") {
  SubsetOptions options;
  options.classes = {1, 12};
  CHECK_THROWS_WITH(make_splits(labels_cycle(10, 10), {}, 10, options, 1),
                    "classes: 12 is not a label of this data (labels are 0..9)");
  options.classes = {1, 1};
  CHECK_THROWS_WITH(make_splits(labels_cycle(10, 10), {}, 10, options, 1), "classes: 1 is listed twice");
}

TEST_CASE("class_names_of names the task's classes from the source names, or their numbers") {
  SubsetOptions options;
  options.classes = {2, 0};
  options.validation_fraction = 0;
  const auto splits = make_splits(labels_cycle(9, 3), {}, 3, options, 1);
  CHECK(class_names_of(splits, {"a", "b", "c"}, 3) == std::vector<std::string>{"c", "a"});
  CHECK(class_names_of(splits, {}, 3) == std::vector<std::string>{"2", "0"});
  CHECK_THROWS_WITH(class_names_of(splits, {"a"}, 3), "class_names: 1 names for 3 labels");
}

TEST_CASE("Splits::of picks the split a loader asks for") {
  SubsetOptions options;
  options.validation_fraction = 0.5;
  const auto splits = make_splits(labels_cycle(20, 2), labels_cycle(4, 2), 2, options, 1);
  CHECK(&splits.of(Split::Train) == &splits.train);
  CHECK(&splits.of(Split::Validation) == &splits.validation);
  CHECK(&splits.of(Split::Test) == &splits.test);
}

TEST_CASE("class_groups merge the kept classes into named groups after the per-class draws") {
  const auto train = labels_cycle(1000, 10);  // 100 per class
  const auto test = labels_cycle(200, 10);
  SubsetOptions options;
  options.validation_fraction = 0.2;
  options.train_per_class = 30;
  const auto fine = make_splits(train, test, 10, options, /*seed=*/4);
  options.class_groups = {0, 1, 0, 2, 0, 3, 0, 3, 4, 3};
  options.group_names = {"tops", "bottoms", "dresses", "footwear", "bags"};
  const auto coarse = make_splits(train, test, 10, options, /*seed=*/4);
  // The same examples in every split (the groups apply after the draws), labelled by group.
  CHECK(coarse.train.items == fine.train.items);
  CHECK(coarse.validation.items == fine.validation.items);
  CHECK(coarse.test.items == fine.test.items);
  for (std::size_t i = 0; i < coarse.train.size(); ++i) {
    CHECK(coarse.train.labels[i] == options.class_groups[static_cast<std::size_t>(fine.train.labels[i])]);
  }
  CHECK(std::count(coarse.train.labels.begin(), coarse.train.labels.end(), 0) == 4 * 30);
  CHECK(class_names_of(coarse, {}, 10) == options.group_names);
  // Group numbers name the groups when no names are given.
  options.group_names.clear();
  CHECK(class_names_of(make_splits(train, test, 10, options, 4), {}, 10) ==
        std::vector<std::string>{"0", "1", "2", "3", "4"});
  // With a class subset, one group per kept class, in the subset's order.
  options.classes = {5, 7, 1};
  options.class_groups = {1, 1, 0};
  const auto subset = make_splits(train, test, 10, options, 4);
  for (std::size_t i = 0; i < subset.train.size(); ++i) {
    CHECK(subset.train.labels[i] == (train[subset.train.items[i]] == 1 ? 0 : 1));
  }
}

TEST_CASE("class_groups that do not fit the classes are refused with the reason") {
  const auto train = labels_cycle(100, 4);
  SubsetOptions options;
  options.class_groups = {0, 1, 0};
  CHECK_THROWS_WITH(make_splits(train, {}, 4, options, 1),
                    "class_groups: 3 groups for 4 classes: give the group of each class, in label order");
  options.class_groups = {0, 2, 0, 2};
  CHECK_THROWS_WITH(make_splits(train, {}, 4, options, 1),
                    "class_groups: group 1 has no class (groups are numbered 0..2 without gaps)");
  options.class_groups = {0, 1, 0, 1};
  options.group_names = {"a"};
  CHECK_THROWS_WITH(make_splits(train, {}, 4, options, 1), "group_names: 1 names for 2 groups");
  options.class_groups.clear();
  CHECK_THROWS_WITH(make_splits(train, {}, 4, options, 1), "group_names needs class_groups");
}
