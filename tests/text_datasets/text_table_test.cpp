// The text_table dataset plugin: CSV and TSV files with a header row.
#include <ATen/ATen.h>

#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

#include "graft/errors.hpp"
#include "support/capture_stderr.hpp"
#include "support/temp_folder.hpp"
#include "text_datasets.hpp"

using namespace graft;
using namespace graft::testing;

namespace {

std::shared_ptr<Dataset> text_table(const std::filesystem::path& train, Overrides overrides = {},
                                    std::uint64_t seed = 1) {
  overrides.emplace_back("train", ParamValue{train.string()});
  return make_dataset("text_table", overrides, seed);
}

const Overrides kNoSplits = {{"test_fraction", 0.0}, {"validation_fraction", 0.0}};

Overrides with(Overrides overrides, const Overrides& more) {
  for (const auto& entry : more) overrides.push_back(entry);
  return overrides;
}

// `per_class` rows of each class, texts "<class> <i>", as a CSV file.
std::string rows(const std::vector<std::string>& classes, int per_class) {
  std::string csv = "text,label\n";
  for (const auto& name : classes) {
    for (int i = 0; i < per_class; ++i) csv += name + " " + std::to_string(i) + "," + name + "\n";
  }
  return csv;
}

}  // namespace

TEST_CASE("CSV with quoted line breaks, doubled quotes and CRLF: texts exactly as written, classes sorted") {
  TempFolder folder("text-table-csv");
  write_file(folder / "train.csv",
             "id,text,label\r\n"
             "1,\"first line\r\nsecond line\",spam\r\n"
             "2,\"she said \"\"no, thanks\"\"\",ham\r\n"
             "3,plain text,ham\r\n"
             "4,\"a\nb\",Spam\r\n");
  write_file(folder / "test.csv", "label,text\nham,\"held, out\"\n");
  const auto dataset = text_table(folder / "train.csv",
                                  {{"test", (folder / "test.csv").string()}, {"validation_fraction", 0.0}});
  CHECK(dataset->class_names() == std::vector<std::string>{"Spam", "ham", "spam"});  // byte order
  CHECK(texts(*dataset, Split::Train) ==
        std::vector<std::string>{"first line\r\nsecond line", "she said \"no, thanks\"", "plain text", "a\nb"});
  CHECK(texts(*dataset, Split::Test) == std::vector<std::string>{"held, out"});
  CHECK(dataset->get(Split::Train, 0).label == 2);
  CHECK(dataset->get(Split::Train, 1).label == 1);
  CHECK(dataset->get(Split::Train, 3).label == 0);
  CHECK(dataset->get(Split::Train, 0).text_pair.empty());
  CHECK_FALSE(dataset->get(Split::Train, 0).image.defined());
}

TEST_CASE("TSV from the extension with text pairs, and another delimiter from the param") {
  TempFolder folder("text-table-tsv");
  write_file(folder / "pairs.tsv",
             "premise\thypothesis\tlabel\n"
             "A man sleeps.\t\"A man, awake\tnot\"\tcontradiction\n"
             "A dog runs.\tAn animal moves.\tentailment\n");
  const auto pairs = text_table(folder / "pairs.tsv", with(kNoSplits, {{"text_column", std::string("premise")},
                                                                      {"text_pair_column", std::string("hypothesis")}}));
  CHECK(pairs->class_names() == std::vector<std::string>{"contradiction", "entailment"});
  const auto first = pairs->get(Split::Train, 0);
  CHECK(first.text == "A man sleeps.");
  CHECK(first.text_pair == "A man, awake\tnot");
  CHECK(first.label == 0);
  CHECK(pairs->get(Split::Train, 1).text_pair == "An animal moves.");

  write_file(folder / "data.txt", "text|label\na;b|x\nc|y\n");
  CHECK_THROWS_WITH(text_table(folder / "data.txt", kNoSplits),
                    Catch::Contains("dataset.delimiter: cannot tell the delimiter of " + (folder / "data.txt").string()));
  const auto piped = text_table(folder / "data.txt", with(kNoSplits, {{"delimiter", std::string("|")}}));
  CHECK(texts(*piped, Split::Train) == std::vector<std::string>{"a;b", "c"});
  // "\t" written as two characters in a TOML literal string also means tab.
  write_file(folder / "tabs.txt", "text\tlabel\nx\t0\n");
  CHECK(texts(*text_table(folder / "tabs.txt", with(kNoSplits, {{"delimiter", std::string("\\t")}})), Split::Train) ==
        std::vector<std::string>{"x"});
  CHECK_THROWS_WITH(text_table(folder / "data.txt", with(kNoSplits, {{"delimiter", std::string("||")}})),
                    Catch::Contains("dataset.delimiter: \"||\" is not one character"));
}

TEST_CASE("quotes = false reads quotes as ordinary characters") {
  TempFolder folder("text-table-no-quotes");
  write_file(folder / "glue.tsv", "sentence\tlabel\n\"Hi,\" she said.\t1\nit's 5\" tall\t0\n");
  const auto dataset = text_table(folder / "glue.tsv", with(kNoSplits, {{"text_column", std::string("sentence")},
                                                                       {"quotes", false}}));
  CHECK(texts(*dataset, Split::Train) == std::vector<std::string>{"\"Hi,\" she said.", "it's 5\" tall"});
  CHECK(dataset->class_names() == std::vector<std::string>{"0", "1"});
}

TEST_CASE("integer labels are class numbers, named by class_names") {
  TempFolder folder("text-table-ints");
  write_file(folder / "train.csv", "text,label\na,1\nb,0\nc, 2 \n");
  const auto numbered = text_table(folder / "train.csv", kNoSplits);
  CHECK(numbered->class_names() == std::vector<std::string>{"0", "1", "2"});
  CHECK(numbered->get(Split::Train, 0).label == 1);
  CHECK(numbered->get(Split::Train, 2).label == 2);  // label text is trimmed

  const auto named = text_table(folder / "train.csv",
                                with(kNoSplits, {{"class_names", std::vector<std::string>{"neg", "neu", "pos"}}}));
  CHECK(named->class_names() == std::vector<std::string>{"neg", "neu", "pos"});
  CHECK(named->get(Split::Train, 0).label == 1);

  CHECK_THROWS_WITH(text_table(folder / "train.csv",
                               with(kNoSplits, {{"class_names", std::vector<std::string>{"neg", "pos"}}})),
                    Catch::Contains((folder / "train.csv").string() + ":4: label 2 (column 'label'), but class_names "
                                                                      "names 2 classes"));
  // Digits read as names with label_type = "name": sorted as text.
  write_file(folder / "ten.csv", "text,label\na,10\nb,9\n");
  const auto as_names = text_table(folder / "ten.csv", with(kNoSplits, {{"label_type", std::string("name")}}));
  CHECK(as_names->class_names() == std::vector<std::string>{"10", "9"});
}

TEST_CASE("class numbers that leave classes empty are warned about, names under label_type int are errors") {
  TempFolder folder("text-table-int-warn");
  write_file(folder / "stars.csv", "text,label\ngood,5\nbad,1\n");
  CaptureStderr log;
  const auto dataset = text_table(folder / "stars.csv", kNoSplits);
  const auto text = log.text();
  CHECK(dataset->class_names().size() == 6);
  CHECK_THAT(text, Catch::Contains("no example has class number 0, 2, 3, 4") &&
                       Catch::Contains("label_type = \"name\""));

  write_file(folder / "names.csv", "text,label\nx,cat\ny,3\n");
  CHECK_THROWS_WITH(text_table(folder / "names.csv", with(kNoSplits, {{"label_type", std::string("int")}})),
                    Catch::Contains((folder / "names.csv").string() + ":2: label 'cat' (column 'label') is not a class "
                                                                      "number"));
  // auto: one name makes every label a name.
  CHECK(text_table(folder / "names.csv", kNoSplits)->class_names() == std::vector<std::string>{"3", "cat"});
}

TEST_CASE("name labels follow class_names order, and a label outside it is an error with file:line") {
  TempFolder folder("text-table-class-names");
  write_file(folder / "train.csv", "text,label\nfine,pos\nawful,neg\nok,pos\n");
  const auto dataset = text_table(folder / "train.csv",
                                  with(kNoSplits, {{"class_names", std::vector<std::string>{"pos", "neg"}}}));
  CHECK(dataset->class_names() == std::vector<std::string>{"pos", "neg"});
  CHECK(dataset->get(Split::Train, 1).label == 1);
  CHECK(class_of_text(*dataset) == std::map<std::string, std::string>{{"fine", "pos"}, {"awful", "neg"}, {"ok", "pos"}});

  CHECK_THROWS_WITH(text_table(folder / "train.csv",
                               with(kNoSplits, {{"class_names", std::vector<std::string>{"pos", "neutral"}}})),
                    Catch::Contains((folder / "train.csv").string() + ":3: label 'neg' (column 'label') is not one of "
                                                                      "class_names (pos, neutral)"));
  CHECK_THROWS_WITH(text_table(folder / "train.csv",
                               with(kNoSplits, {{"class_names", std::vector<std::string>{"pos", "pos"}}})),
                    Catch::Contains("class_names: 'pos' is listed twice"));
}

TEST_CASE("a wrong column name lists the header's columns") {
  TempFolder folder("text-table-columns");
  write_file(folder / "train.csv", "id,review,stars\n1,good,5\n");
  const auto file = (folder / "train.csv").string();
  CHECK_THROWS_AS(text_table(folder / "train.csv"), InputError);
  CHECK_THROWS_WITH(text_table(folder / "train.csv"),
                    Catch::Contains(file + ":1: no column 'text' (dataset.text_column); the header's columns are: id, "
                                           "review, stars"));
  CHECK_THROWS_WITH(text_table(folder / "train.csv", {{"text_column", std::string("review")}}),
                    Catch::Contains("no column 'label' (dataset.label_column)"));
  CHECK_THROWS_WITH(text_table(folder / "train.csv", {{"text_column", std::string("review")},
                                                      {"label_column", std::string("stars")},
                                                      {"text_pair_column", std::string("title")}}),
                    Catch::Contains("no column 'title' (dataset.text_pair_column)"));
  write_file(folder / "twice.csv", "text,text,label\na,b,c\n");
  CHECK_THROWS_WITH(text_table(folder / "twice.csv"), Catch::Contains("two columns are named 'text'"));
}

TEST_CASE("ragged rows, unterminated quotes and empty labels are errors with file:line") {
  TempFolder folder("text-table-errors");
  write_file(folder / "ragged.csv", "text,label\n\"ok, quoted\",a\nnot, quoted,b\n");
  CHECK_THROWS_WITH(text_table(folder / "ragged.csv"),
                    Catch::Contains((folder / "ragged.csv").string() + ":3: 3 fields, but the header (line 1) has 2 "
                                                                       "columns") &&
                        Catch::Contains("double quotes"));
  write_file(folder / "multi.csv", "text,label\n\"two\nlines\",a\nshort\n");
  CHECK_THROWS_WITH(text_table(folder / "multi.csv"), Catch::Contains((folder / "multi.csv").string() + ":4: 1 fields"));

  write_file(folder / "open.csv", "text,label\na,x\n\"never closed,y\nb,x\n");
  CHECK_THROWS_WITH(text_table(folder / "open.csv"),
                    Catch::Contains((folder / "open.csv").string() + ":3: a quoted field starts on this line and is "
                                                                     "never closed"));

  write_file(folder / "empty_label.csv", "text,label\na,x\nb,  \n");
  CHECK_THROWS_WITH(text_table(folder / "empty_label.csv"),
                    Catch::Contains((folder / "empty_label.csv").string() + ":3: empty label (column 'label')"));

  write_file(folder / "latin1.csv", "text,label\nok,x\ncaf\xE9,y\n");
  CHECK_THROWS_WITH(text_table(folder / "latin1.csv"),
                    Catch::Contains((folder / "latin1.csv").string() + ":3: not valid UTF-8 (byte 0xE9)") &&
                        Catch::Contains("iconv"));

  write_file(folder / "header_only.csv", "text,label\n");
  CHECK_THROWS_WITH(text_table(folder / "header_only.csv"), Catch::Contains("has a header row and no examples"));
  write_file(folder / "empty.csv", "");
  CHECK_THROWS_WITH(text_table(folder / "empty.csv"), Catch::Contains("is empty"));
  CHECK_THROWS_WITH(text_table(folder / "none.csv"),
                    Catch::Contains("dataset.train: " + (folder / "none.csv").string() + " does not exist"));
  write_file(folder / "good.csv", "text,label\na,x\n");
  CHECK_THROWS_WITH(text_table(folder / "good.csv", {{"test", (folder / "gone.csv").string()}}),
                    Catch::Contains("dataset.test: " + (folder / "gone.csv").string() + " does not exist"));
}

TEST_CASE("a byte order mark and blank lines are skipped") {
  TempFolder folder("text-table-bom");
  write_file(folder / "excel.csv", "\xEF\xBB\xBFtext,label\r\n\r\ncaf\xC3\xA9,x\r\n\r\n");
  const auto dataset = text_table(folder / "excel.csv", kNoSplits);
  CHECK(texts(*dataset, Split::Train) == std::vector<std::string>{"caf\xC3\xA9"});
}

TEST_CASE("one file: a per-class test split with a fixed seed, validation from the trial seed, all disjoint") {
  TempFolder folder("text-table-held-out");
  write_file(folder / "all.csv", rows({"a", "b"}, 20));
  const Overrides overrides = {{"test_fraction", 0.25}, {"validation_fraction", 0.2}};
  const auto dataset = text_table(folder / "all.csv", overrides, 1);
  CHECK(dataset->size(Split::Test) == 2 * 5);
  CHECK(dataset->size(Split::Validation) == 2 * 3);
  CHECK(dataset->size(Split::Train) == 2 * 12);
  const auto train = text_set(*dataset, Split::Train);
  const auto validation = text_set(*dataset, Split::Validation);
  const auto test = text_set(*dataset, Split::Test);
  CHECK(disjoint(train, validation));
  CHECK(disjoint(train, test));
  CHECK(disjoint(validation, test));
  CHECK(train.size() + validation.size() + test.size() == 40);
  for (const auto& [text, name] : class_of_text(*dataset)) CHECK(text.substr(0, 1) == name);

  const auto again = text_table(folder / "all.csv", overrides, 1);
  const auto other_seed = text_table(folder / "all.csv", overrides, 2);
  for (Split split : kSplits) CHECK(texts(*again, split) == texts(*dataset, split));
  CHECK(texts(*other_seed, Split::Test) == texts(*dataset, Split::Test));
  CHECK(texts(*other_seed, Split::Validation) != texts(*dataset, Split::Validation));
}

TEST_CASE("a validation file is the validation split, a test file turns off test_fraction") {
  TempFolder folder("text-table-files");
  write_file(folder / "train.csv", rows({"a", "b"}, 4));
  write_file(folder / "val.csv", "text,label\nv1,a\nv2,b\n");
  write_file(folder / "test.csv", "text,label\nt1,b\n");
  const auto dataset = text_table(folder / "train.csv", {{"validation", (folder / "val.csv").string()},
                                                         {"test", (folder / "test.csv").string()},
                                                         {"validation_fraction", 0.5},
                                                         {"test_fraction", 0.5}});
  CHECK(dataset->size(Split::Train) == 8);
  CHECK(texts(*dataset, Split::Validation) == std::vector<std::string>{"v1", "v2"});
  CHECK(texts(*dataset, Split::Test) == std::vector<std::string>{"t1"});
  CHECK(dataset->get(Split::Test, 0).label == 1);
  // A class only in the test file is still a class: names come from every file.
  write_file(folder / "test_c.csv", "text,label\nt2,c\n");
  const auto more = text_table(folder / "train.csv", {{"test", (folder / "test_c.csv").string()}});
  CHECK(more->class_names() == std::vector<std::string>{"a", "b", "c"});
}

TEST_CASE("subset params choose classes and cap examples per class") {
  TempFolder folder("text-table-subset");
  write_file(folder / "train.csv", rows({"ant", "bee", "cow"}, 10));
  const auto dataset = text_table(folder / "train.csv", {{"classes", std::vector<std::int64_t>{2, 0}},
                                                         {"train_per_class", std::int64_t{3}},
                                                         {"test_per_class", std::int64_t{1}},
                                                         {"validation_fraction", 0.25}});
  CHECK(dataset->class_names() == std::vector<std::string>{"cow", "ant"});
  CHECK(dataset->size(Split::Train) == 2 * 3);
  CHECK(dataset->size(Split::Test) == 2 * 1);
  CHECK(dataset->size(Split::Validation) == 2 * 2);  // 10 - 2 test = 8, a quarter of it
  for (const auto& [text, name] : class_of_text(*dataset)) CHECK(text.substr(0, 3) == name);
  CHECK_THROWS_WITH(text_table(folder / "train.csv", {{"classes", std::vector<std::int64_t>{3}}}),
                    Catch::Contains("classes: 3 is not a label of this data"));
}

TEST_CASE("concurrent get() from several threads returns the same examples") {
  TempFolder folder("text-table-threads");
  write_file(folder / "train.csv", rows({"x", "y", "z"}, 30));
  const auto dataset = text_table(folder / "train.csv");
  std::vector<std::pair<Split, std::size_t>> items;
  std::vector<std::string> expected;
  for (Split split : kSplits) {
    for (std::size_t i = 0; i < dataset->size(split); ++i) {
      items.emplace_back(split, i);
      expected.push_back(dataset->get(split, i).text);
    }
  }
  std::atomic<int> different{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 20; ++round) {
        for (std::size_t k = 0; k < items.size(); ++k) {
          const auto index = (k * 7 + static_cast<std::size_t>(t)) % items.size();
          if (dataset->get(items[index].first, items[index].second).text != expected[index]) ++different;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(different == 0);
}
