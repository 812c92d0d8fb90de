// The image_folder dataset plugin, loaded from the built-in plugin folder as graft loads it.
#include <ATen/ATen.h>

#include <catch2/catch.hpp>

#include <atomic>
#include <fstream>
#include <set>
#include <thread>

#include "builtin.hpp"
#include "support/capture_stderr.hpp"
#include "graft/dataset.hpp"
#include "graft/errors.hpp"
#include "marked_images.hpp"
#include "support/temp_folder.hpp"

using namespace graft;
using graft::testing::mark_of;
using graft::testing::TempFolder;
using graft::testing::write_classes;
using graft::testing::write_marked_png;

namespace {

using Overrides = std::vector<std::pair<std::string, ParamValue>>;
constexpr Split kSplits[] = {Split::Train, Split::Validation, Split::Test};

std::shared_ptr<Dataset> image_folder(const std::filesystem::path& root, Overrides overrides = {},
                                      std::uint64_t seed = 1) {
  overrides.emplace_back("root", ParamValue{root.string()});
  return graft::testing::make_plugin<Dataset>("image_folder", overrides, seed);
}

// The marks of a split's examples, in order.
std::vector<int> marks(const Dataset& dataset, Split split) {
  std::vector<int> result;
  for (std::size_t i = 0; i < dataset.size(split); ++i) result.push_back(mark_of(dataset.get(split, i).image));
  return result;
}

std::set<int> mark_set(const Dataset& dataset, Split split) {
  const auto list = marks(dataset, split);
  return {list.begin(), list.end()};
}

// Every example's label names the class folder its file came from.
void check_labels(const Dataset& dataset, const std::map<int, std::string>& class_of_mark) {
  const auto names = dataset.class_names();
  for (Split split : kSplits) {
    for (std::size_t i = 0; i < dataset.size(split); ++i) {
      const auto example = dataset.get(split, i);
      INFO(split_name(split) << " " << i);
      REQUIRE(example.label >= 0);
      REQUIRE(example.label < static_cast<std::int64_t>(names.size()));
      CHECK(names[static_cast<std::size_t>(example.label)] == class_of_mark.at(mark_of(example.image)));
    }
  }
}

void write_bytes(const std::filesystem::path& path, const std::string& bytes) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << bytes;
}

bool disjoint(const std::set<int>& a, const std::set<int>& b) {
  for (int x : a) {
    if (b.count(x)) return false;
  }
  return true;
}

}  // namespace

TEST_CASE("class folders directly under the root: sorted classes, seeded test and validation splits") {
  TempFolder folder("image-folder-flat");
  // Byte order, as Python's sorted(): upper case before lower case.
  const auto class_of_mark = write_classes(folder.path(), {"dog", "cat", "Zebra"}, 10, 0);
  const auto dataset = image_folder(folder.path(), {{"test_fraction", 0.2}, {"validation_fraction", 0.25}});
  CHECK(dataset->class_names() == std::vector<std::string>{"Zebra", "cat", "dog"});
  // Per class: 2 of 10 held out for test, then 2 of the remaining 8 for validation.
  CHECK(dataset->size(Split::Test) == 3 * 2);
  CHECK(dataset->size(Split::Validation) == 3 * 2);
  CHECK(dataset->size(Split::Train) == 3 * 6);
  check_labels(*dataset, class_of_mark);

  const auto train = mark_set(*dataset, Split::Train);
  const auto validation = mark_set(*dataset, Split::Validation);
  const auto test = mark_set(*dataset, Split::Test);
  CHECK(disjoint(train, validation));
  CHECK(disjoint(train, test));
  CHECK(disjoint(validation, test));
  CHECK(train.size() + validation.size() + test.size() == class_of_mark.size());
}

TEST_CASE("the seeded splits are deterministic, and the test split is the same for every trial seed") {
  TempFolder folder("image-folder-seeds");
  write_classes(folder.path(), {"a", "b"}, 20, 0);
  const Overrides overrides = {{"validation_fraction", 0.3}};
  const auto first = image_folder(folder.path(), overrides, /*seed=*/1);
  const auto again = image_folder(folder.path(), overrides, /*seed=*/1);
  const auto other_seed = image_folder(folder.path(), overrides, /*seed=*/2);
  for (Split split : kSplits) CHECK(marks(*first, split) == marks(*again, split));
  CHECK(marks(*first, Split::Test) == marks(*other_seed, Split::Test));
  CHECK(marks(*first, Split::Validation) != marks(*other_seed, Split::Validation));
}

TEST_CASE("split folders: train, val as the validation split, and test") {
  TempFolder folder("image-folder-splits");
  auto class_of_mark = write_classes(folder / "train", {"cat", "dog"}, 6, 0);
  class_of_mark.merge(write_classes(folder / "val", {"cat", "dog"}, 2, 100));
  class_of_mark.merge(write_classes(folder / "test", {"cat", "dog"}, 3, 200));
  // test_fraction and validation_fraction do not apply: the folders say what each split is.
  const auto dataset = image_folder(folder.path(), {{"validation_fraction", 0.5}, {"test_fraction", 0.5}});
  CHECK(dataset->class_names() == std::vector<std::string>{"cat", "dog"});
  CHECK(marks(*dataset, Split::Train) == std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
  CHECK(marks(*dataset, Split::Validation) == std::vector<int>{100, 101, 102, 103});
  CHECK(marks(*dataset, Split::Test) == std::vector<int>{200, 201, 202, 203, 204, 205});
  check_labels(*dataset, class_of_mark);
}

TEST_CASE("split folders without val and test: validation from train, no test") {
  TempFolder folder("image-folder-train-only");
  const auto class_of_mark = write_classes(folder / "train", {"cat", "dog"}, 10, 0);
  const auto dataset = image_folder(folder.path(), {{"validation_fraction", 0.2}});
  CHECK(dataset->size(Split::Train) == 16);
  CHECK(dataset->size(Split::Validation) == 4);
  CHECK(dataset->size(Split::Test) == 0);
  CHECK(disjoint(mark_set(*dataset, Split::Train), mark_set(*dataset, Split::Validation)));
  check_labels(*dataset, class_of_mark);
}

TEST_CASE("subset params choose classes and cap examples in every split") {
  TempFolder folder("image-folder-subset");
  auto class_of_mark = write_classes(folder / "train", {"ant", "bee", "cow"}, 8, 0);
  class_of_mark.merge(write_classes(folder / "val", {"ant", "bee", "cow"}, 2, 100));
  class_of_mark.merge(write_classes(folder / "test", {"ant", "bee", "cow"}, 4, 200));
  const auto dataset = image_folder(folder.path(), {{"classes", std::vector<std::int64_t>{2, 0}},
                                                    {"train_per_class", std::int64_t{3}},
                                                    {"test_per_class", std::int64_t{1}}});
  CHECK(dataset->class_names() == std::vector<std::string>{"cow", "ant"});
  CHECK(dataset->size(Split::Train) == 2 * 3);
  CHECK(dataset->size(Split::Validation) == 2 * 2);
  CHECK(dataset->size(Split::Test) == 2 * 1);
  check_labels(*dataset, class_of_mark);
  for (Split split : kSplits) {
    for (int mark : mark_set(*dataset, split)) CHECK(class_of_mark.at(mark) != "bee");
  }
  CHECK_THROWS_WITH(image_folder(folder.path(), {{"classes", std::vector<std::int64_t>{3}}}),
                    Catch::Contains("classes: 3 is not a label of this data"));
}

TEST_CASE("extensions match case-insensitively, other and hidden files are ignored") {
  TempFolder folder("image-folder-extensions");
  write_marked_png(folder / "cat" / "upper.PNG", 1);
  write_marked_png(folder / "cat" / "nested" / "deeper.Png", 2);
  write_marked_png(folder / "dog" / "plain.png", 3);
  write_marked_png(folder / "dog" / "other.gif", 4);
  write_bytes(folder / "dog" / "notes.txt", "not an image");
  write_bytes(folder / "dog" / "._plain.png", "macOS metadata, not an image");  // would be corrupt
  std::filesystem::create_directories(folder / ".cache" / "x");                 // not a class
  const Overrides no_splits = {{"test_fraction", 0.0}, {"validation_fraction", 0.0}};

  const auto dataset = image_folder(folder.path(), no_splits);
  CHECK(dataset->class_names() == std::vector<std::string>{"cat", "dog"});
  CHECK(marks(*dataset, Split::Train) == std::vector<int>{2, 1, 3});  // sorted paths: nested/ < upper.PNG

  auto with_gif = no_splits;
  with_gif.emplace_back("extensions", std::vector<std::string>{".GIF", "png"});
  CHECK(mark_set(*image_folder(folder.path(), with_gif), Split::Train) == std::set<int>{1, 2, 3, 4});
  CHECK_THROWS_WITH(image_folder(folder.path(), {{"extensions", std::vector<std::string>{}}}),
                    Catch::Contains("dataset.extensions: name at least one"));
}

TEST_CASE("corrupt files stop construction, or are skipped, counted and logged") {
  TempFolder folder("image-folder-corrupt");
  write_classes(folder.path(), {"cat", "dog"}, 5, 0);
  for (int i = 0; i < 4; ++i) write_bytes(folder / "dog" / ("broken" + std::to_string(i) + ".png"), "not a PNG");
  const auto first_corrupt = folder / "dog" / "broken0.png";

  CHECK_THROWS_AS(image_folder(folder.path()), InputError);
  CHECK_THROWS_WITH(image_folder(folder.path()), Catch::Contains(first_corrupt.string() + ": not a PNG or JPEG image") &&
                                                     Catch::Contains("on_corrupt"));

  graft::testing::CaptureStderr log;
  const auto dataset = image_folder(folder.path(), {{"on_corrupt", std::string("skip")}, {"test_fraction", 0.0},
                                                    {"validation_fraction", 0.0}});
  const auto text = log.text();
  CHECK(dataset->size(Split::Train) == 10);
  CHECK_THAT(text, Catch::Contains("skipped 4 unreadable files") && Catch::Contains(first_corrupt.string()) &&
                       Catch::Contains("and 1 more"));
}

TEST_CASE("with on_corrupt = skip, a class without a readable image is an error") {
  TempFolder folder("image-folder-all-corrupt");
  write_classes(folder.path(), {"cat"}, 3, 0);
  write_bytes(folder / "dog" / "a.png", "garbage");
  CHECK_THROWS_WITH(image_folder(folder.path(), {{"on_corrupt", std::string("skip")}}),
                    Catch::Contains("no image of class 'dog'") && Catch::Contains("a.png"));
}

TEST_CASE("a file that passes the probe but fails to decode is an error in get()") {
  TempFolder folder("image-folder-truncated");
  write_classes(folder.path(), {"cat"}, 2, 0);
  const auto whole = folder / "cat" / "img0.png";
  write_png(whole, at::zeros({3, 32, 32}, at::kByte));
  std::ifstream in(whole, std::ios::binary);
  const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  write_bytes(whole, bytes.substr(0, bytes.size() / 2));

  const auto dataset = image_folder(folder.path(), {{"test_fraction", 0.0}, {"validation_fraction", 0.0}});
  REQUIRE(dataset->size(Split::Train) == 2);
  CHECK_THROWS_AS(dataset->get(Split::Train, 0), InputError);
  CHECK_THROWS_WITH(dataset->get(Split::Train, 0), Catch::Contains(whole.string() + ": cannot decode the PNG image"));
  CHECK(mark_of(dataset->get(Split::Train, 1).image) == 1);
}

TEST_CASE("splits with different class folders are an error naming the difference") {
  TempFolder folder("image-folder-mismatch");
  write_classes(folder / "train", {"cat", "dog"}, 2, 0);
  write_classes(folder / "test", {"bird", "cat"}, 2, 10);
  CHECK_THROWS_WITH(image_folder(folder.path()),
                    Catch::Contains("must hold the same class folders") &&
                        Catch::Contains("missing in " + (folder / "test").string() + ": dog") &&
                        Catch::Contains(": bird"));
}

TEST_CASE("missing, empty and ambiguous folders are clear errors") {
  TempFolder folder("image-folder-empty");
  CHECK_THROWS_WITH(image_folder(folder / "none"), Catch::Contains("is not a folder"));
  CHECK_THROWS_WITH(image_folder(folder.path()), Catch::Contains("has no class folders"));

  write_classes(folder.path(), {"cat"}, 2, 0);
  std::filesystem::create_directories(folder / "dog");
  write_bytes(folder / "dog" / "readme.txt", "images go here");
  CHECK_THROWS_WITH(image_folder(folder.path()),
                    Catch::Contains((folder / "dog").string() + " holds no images (jpg, jpeg, png)"));

  TempFolder splits("image-folder-no-train");
  write_classes(splits / "val", {"cat"}, 2, 0);
  CHECK_THROWS_WITH(image_folder(splits.path()), Catch::Contains("no train/ folder"));
}

TEST_CASE("concurrent get() from several threads gives the same tensors") {
  TempFolder folder("image-folder-threads");
  for (int i = 0; i < 12; ++i) {
    // Larger RGB images than the marked ones, so that decoding takes a while on every thread.
    const auto image = at::full({3, 40, 40}, i * 10, at::kByte) + at::arange(40, at::kByte).view({1, 1, 40});
    const auto class_folder = folder / (i % 2 ? "odd" : "even");
    std::filesystem::create_directories(class_folder);
    write_png(class_folder / (std::to_string(i) + ".png"), image);
    write_jpeg(class_folder / (std::to_string(i) + ".jpg"), image);
  }
  const auto dataset = image_folder(folder.path());
  std::vector<std::pair<Split, std::size_t>> items;
  std::vector<at::Tensor> expected;
  for (Split split : kSplits) {
    for (std::size_t i = 0; i < dataset->size(split); ++i) {
      items.emplace_back(split, i);
      expected.push_back(dataset->get(split, i).image);
    }
  }
  std::atomic<int> different{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 5; ++round) {
        for (std::size_t k = 0; k < items.size(); ++k) {
          const auto index = (k * 7 + static_cast<std::size_t>(t)) % items.size();  // threads read in different orders
          if (!at::equal(dataset->get(items[index].first, items[index].second).image, expected[index])) ++different;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(different == 0);
}
