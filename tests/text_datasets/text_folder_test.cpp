// The text_folder dataset plugin: one text file per example, one folder per class.
#include <ATen/ATen.h>

#include <catch2/catch.hpp>

#include "graft/errors.hpp"
#include "support/capture_stderr.hpp"
#include "support/temp_folder.hpp"
#include "text_datasets.hpp"

using namespace graft;
using namespace graft::testing;

namespace {

std::shared_ptr<Dataset> text_folder(const std::filesystem::path& root, Overrides overrides = {},
                                     std::uint64_t seed = 1) {
  overrides.emplace_back("root", ParamValue{root.string()});
  return make_dataset("text_folder", overrides, seed);
}

const Overrides kNoSplits = {{"test_fraction", 0.0}, {"validation_fraction", 0.0}};

// `count` files per class under `folder`, each holding "<class> <prefix><i>".
void write_classes(const std::filesystem::path& folder, const std::vector<std::string>& classes, int count,
                   const std::string& prefix = "") {
  for (const auto& name : classes) {
    for (int i = 0; i < count; ++i) {
      write_file(folder / name / ("doc" + std::to_string(i) + ".txt"), name + " " + prefix + std::to_string(i));
    }
  }
}

}  // namespace

TEST_CASE("class folders under the root: texts as written, classes sorted, other files ignored") {
  TempFolder folder("text-folder-flat");
  write_file(folder / "neg" / "a.txt", "awful.\nreally.\n");
  write_file(folder / "neg" / "nested" / "b.TXT", "\xEF\xBB\xBF" "bad caf\xC3\xA9");  // BOM dropped
  write_file(folder / "pos" / "c.txt", "");
  write_file(folder / "pos" / "d.md", "# great");
  write_file(folder / "pos" / ".hidden.txt", "not read");
  write_file(folder / "Pos" / "e.txt", "upper case class");
  std::filesystem::create_directories(folder / ".git" / "x");

  CaptureStderr log;
  const auto dataset = text_folder(folder.path(), kNoSplits);
  CHECK_THAT(log.text(), Catch::Contains("ignored 1 files without a text extension (txt)"));
  CHECK(dataset->class_names() == std::vector<std::string>{"Pos", "neg", "pos"});
  CHECK(texts(*dataset, Split::Train) ==
        std::vector<std::string>{"upper case class", "awful.\nreally.\n", "bad caf\xC3\xA9", ""});
  CHECK(dataset->get(Split::Train, 3).label == 2);

  const auto with_md = text_folder(folder.path(), {{"extensions", std::vector<std::string>{".MD", "txt"}},
                                                   {"test_fraction", 0.0}, {"validation_fraction", 0.0}});
  CHECK(text_set(*with_md, Split::Train).count("# great") == 1);
  CHECK_THROWS_WITH(text_folder(folder.path(), {{"extensions", std::vector<std::string>{}}}),
                    Catch::Contains("dataset.extensions: name at least one"));
}

TEST_CASE("flat layout: seeded test and validation splits, disjoint and deterministic") {
  TempFolder folder("text-folder-splits");
  write_classes(folder.path(), {"cat", "dog"}, 10);
  const Overrides overrides = {{"test_fraction", 0.2}, {"validation_fraction", 0.25}};
  const auto dataset = text_folder(folder.path(), overrides);
  CHECK(dataset->size(Split::Test) == 2 * 2);
  CHECK(dataset->size(Split::Validation) == 2 * 2);
  CHECK(dataset->size(Split::Train) == 2 * 6);
  CHECK(disjoint(text_set(*dataset, Split::Train), text_set(*dataset, Split::Test)));
  CHECK(disjoint(text_set(*dataset, Split::Train), text_set(*dataset, Split::Validation)));
  CHECK(disjoint(text_set(*dataset, Split::Validation), text_set(*dataset, Split::Test)));
  for (const auto& [text, name] : class_of_text(*dataset)) CHECK(text.substr(0, 3) == name);
  const auto other_seed = text_folder(folder.path(), overrides, 2);
  CHECK(texts(*other_seed, Split::Test) == texts(*dataset, Split::Test));
  for (Split split : kSplits) CHECK(texts(*text_folder(folder.path(), overrides), split) == texts(*dataset, split));
}

TEST_CASE("split folders: train, val as the validation split, and test, with subset params") {
  TempFolder folder("text-folder-layout");
  write_classes(folder / "train", {"ant", "bee", "cow"}, 6, "train");
  write_classes(folder / "val", {"ant", "bee", "cow"}, 2, "val");
  write_classes(folder / "test", {"ant", "bee", "cow"}, 3, "test");
  write_file(folder / "README.txt", "not a split");

  const auto dataset = text_folder(folder.path(), {{"validation_fraction", 0.5}, {"test_fraction", 0.5}});
  CHECK(dataset->class_names() == std::vector<std::string>{"ant", "bee", "cow"});
  CHECK(dataset->size(Split::Train) == 18);
  CHECK(texts(*dataset, Split::Validation) ==
        std::vector<std::string>{"ant val0", "ant val1", "bee val0", "bee val1", "cow val0", "cow val1"});
  CHECK(dataset->size(Split::Test) == 9);
  for (const auto& [text, name] : class_of_text(*dataset)) CHECK(text.substr(0, 3) == name);

  const auto subset = text_folder(folder.path(), {{"classes", std::vector<std::int64_t>{2, 0}},
                                                  {"train_per_class", std::int64_t{2}},
                                                  {"test_per_class", std::int64_t{1}}});
  CHECK(subset->class_names() == std::vector<std::string>{"cow", "ant"});
  CHECK(subset->size(Split::Train) == 4);
  CHECK(texts(*subset, Split::Validation) == std::vector<std::string>{"ant val0", "ant val1", "cow val0", "cow val1"});
  CHECK(subset->size(Split::Test) == 2);
  for (const auto& [text, name] : class_of_text(*subset)) CHECK(text.substr(0, 3) == name);
}

TEST_CASE("text_folder: missing, empty, mismatched and non-UTF-8 inputs are clear errors") {
  TempFolder folder("text-folder-errors");
  CHECK_THROWS_WITH(text_folder(folder / "none"), Catch::Contains("is not a folder"));
  CHECK_THROWS_WITH(text_folder(folder.path()), Catch::Contains("has no class folders"));

  write_classes(folder.path(), {"cat"}, 2);
  write_file(folder / "dog" / "photo.jpg", "");
  CHECK_THROWS_WITH(text_folder(folder.path()),
                    Catch::Contains((folder / "dog").string() + " holds no text files (txt)"));

  TempFolder latin("text-folder-latin1");
  write_file(latin / "fr" / "a.txt", "ligne un\nd\xE9j\xE0\n");
  CHECK_THROWS_WITH(text_folder(latin.path()),
                    Catch::Contains((latin / "fr" / "a.txt").string() + ":2: not valid UTF-8 (byte 0xE9)"));

  TempFolder splits("text-folder-no-train");
  write_classes(splits / "test", {"cat"}, 2);
  CHECK_THROWS_WITH(text_folder(splits.path()), Catch::Contains("no train/ folder"));

  TempFolder mismatch("text-folder-mismatch");
  write_classes(mismatch / "train", {"cat", "dog"}, 2);
  write_classes(mismatch / "test", {"bird", "cat"}, 2);
  CHECK_THROWS_WITH(text_folder(mismatch.path()), Catch::Contains("must hold the same class folders") &&
                                                      Catch::Contains("missing in " + (mismatch / "test").string() +
                                                                      ": dog") &&
                                                      Catch::Contains(": bird"));
}
