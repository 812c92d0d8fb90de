#include <fstream>

#include <catch2/catch.hpp>

#include "builtin.hpp"
#include "graft/dataset.hpp"
#include "graft/errors.hpp"
#include "support/idx_writer.hpp"
#include "support/temp_folder.hpp"

using namespace graft;
using graft::testing::make_plugin;

TEST_CASE("idx splits, subsets and names classes") {
  graft::testing::TempFolder folder("idx-dataset");
  graft::testing::write_idx_dataset(folder.path(), {/*classes=*/3, /*train_per_class=*/40, /*test_per_class=*/10});
  const auto path = ParamValue{folder.path().string()};

  auto all = make_plugin<Dataset>("idx", {{"path", path}, {"validation_fraction", 0.25}});
  CHECK(all->class_names() == std::vector<std::string>{"0", "1", "2"});
  CHECK(all->size(Split::Train) == 90);
  CHECK(all->size(Split::Validation) == 30);
  CHECK(all->size(Split::Test) == 30);
  const auto example = all->get(Split::Train, 0);
  CHECK(example.image.sizes() == at::IntArrayRef({1, 8, 8}));
  CHECK(example.image.scalar_type() == at::kByte);

  auto subset = make_plugin<Dataset>("idx", {{"path", path},
                                             {"classes", std::vector<std::int64_t>{2, 0}},
                                             {"train_per_class", std::int64_t{5}},
                                             {"class_names", std::vector<std::string>{"zero", "one", "two"}}});
  CHECK(subset->class_names() == std::vector<std::string>{"two", "zero"});
  CHECK(subset->size(Split::Train) == 10);
  CHECK(subset->size(Split::Test) == 20);
  for (std::size_t i = 0; i < subset->size(Split::Test); ++i) CHECK(subset->get(Split::Test, i).label < 2);
}

TEST_CASE("idx reads class names from classes.txt beside its files; class_names wins over it") {
  graft::testing::TempFolder folder("idx-classes-file");
  const auto data = folder / "fashion-mnist";
  graft::testing::write_idx_dataset(data, {10, 3, 1});
  // A folder named like Fashion-MNIST gets no names of its own: only what the folder or the experiment says.
  auto unnamed = make_plugin<Dataset>("idx", {{"path", ParamValue{data.string()}}, {"classes", std::vector<std::int64_t>{9, 0}}});
  CHECK(unnamed->class_names() == std::vector<std::string>{"9", "0"});

  std::ofstream(data / "classes.txt") << "T-shirt/top\nTrouser\nPullover\nDress\nCoat\n\n  Sandal \nShirt\nSneaker\nBag\n"
                                         "Ankle boot\n";
  auto named = make_plugin<Dataset>("idx", {{"path", ParamValue{data.string()}}, {"classes", std::vector<std::int64_t>{9, 0, 5}}});
  CHECK(named->class_names() == std::vector<std::string>{"Ankle boot", "T-shirt/top", "Sandal"});

  const std::vector<std::string> digits = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"};
  auto overridden = make_plugin<Dataset>(
      "idx", {{"path", ParamValue{data.string()}}, {"classes", std::vector<std::int64_t>{9}}, {"class_names", digits}});
  CHECK(overridden->class_names() == std::vector<std::string>{"nine"});

  std::ofstream(data / "classes.txt") << "only\ntwo\n";
  CHECK_THROWS_WITH(make_plugin<Dataset>("idx", {{"path", ParamValue{data.string()}}}),
                    (data / "classes.txt").string() + ": 2 names for the 10 labels of " + data.string() +
                        "; give one name per label, in label order");
}

TEST_CASE("idx reports a missing folder or file as bad input") {
  graft::testing::TempFolder folder("idx-missing");
  CHECK_THROWS_WITH(make_plugin<Dataset>("idx", {{"path", ParamValue{(folder / "none").string()}}}),
                    Catch::Contains("is not a folder"));
  CHECK_THROWS_WITH(make_plugin<Dataset>("idx", {{"path", ParamValue{folder.path().string()}}}),
                    Catch::Contains("no train-images-idx3-ubyte or train-images-idx3-ubyte.gz in"));
}
