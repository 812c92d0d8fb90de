// The jsonl dataset plugin: one JSON object per line.
#include <ATen/ATen.h>

#include <catch2/catch.hpp>

#include "graft/errors.hpp"
#include "support/temp_folder.hpp"
#include "text_datasets.hpp"

using namespace graft;
using namespace graft::testing;

namespace {

std::shared_ptr<Dataset> jsonl(const std::filesystem::path& train, Overrides overrides = {}, std::uint64_t seed = 1) {
  overrides.emplace_back("train", ParamValue{train.string()});
  return make_dataset("jsonl", overrides, seed);
}

const Overrides kNoSplits = {{"test_fraction", 0.0}, {"validation_fraction", 0.0}};

Overrides with(Overrides overrides, const Overrides& more) {
  for (const auto& entry : more) overrides.push_back(entry);
  return overrides;
}

}  // namespace

TEST_CASE("objects per line: escapes, blank lines, CRLF, names sorted as classes") {
  TempFolder folder("jsonl-good");
  write_file(folder / "train.jsonl",
             "{\"text\": \"line one\\nline two\", \"label\": \"pos\", \"id\": 1}\r\n"
             "\r\n"
             "   \n"
             "{\"label\": \"neg\", \"text\": \"caf\\u00e9 \\\"quoted\\\"\"}\n"
             "{\"text\": \"\xE2\x9C\x93 raw UTF-8\", \"label\": \"pos\", \"extra\": [1, 2]}");
  const auto dataset = jsonl(folder / "train.jsonl", kNoSplits);
  CHECK(dataset->class_names() == std::vector<std::string>{"neg", "pos"});
  CHECK(texts(*dataset, Split::Train) ==
        std::vector<std::string>{"line one\nline two", "caf\xC3\xA9 \"quoted\"", "\xE2\x9C\x93 raw UTF-8"});
  CHECK(dataset->get(Split::Train, 0).label == 1);
  CHECK(dataset->get(Split::Train, 1).label == 0);
}

TEST_CASE("integer labels, pairs and field names from the params") {
  TempFolder folder("jsonl-pairs");
  write_file(folder / "train.jsonl",
             "{\"sentence1\": \"A\", \"sentence2\": \"B\", \"gold\": 2}\n"
             "{\"sentence1\": \"C\", \"sentence2\": \"D\", \"gold\": 0}\n"
             "{\"sentence1\": \"E\", \"sentence2\": \"F\", \"gold\": \"1\"}\n");
  const auto dataset = jsonl(folder / "train.jsonl",
                             with(kNoSplits, {{"text_field", std::string("sentence1")},
                                              {"text_pair_field", std::string("sentence2")},
                                              {"label_field", std::string("gold")},
                                              {"class_names", std::vector<std::string>{"entail", "neutral", "contra"}}}));
  CHECK(dataset->class_names() == std::vector<std::string>{"entail", "neutral", "contra"});
  const auto first = dataset->get(Split::Train, 0);
  CHECK(first.text == "A");
  CHECK(first.text_pair == "B");
  CHECK(first.label == 2);
  CHECK(dataset->get(Split::Train, 2).label == 1);
}

TEST_CASE("bad lines are errors with file:line and what to do") {
  TempFolder folder("jsonl-bad");
  const auto fails_with = [&](const std::string& name, const std::string& content, const std::string& message,
                              const Overrides& overrides = {}) {
    write_file(folder / name, content);
    INFO(name);
    CHECK_THROWS_AS(jsonl(folder / name, overrides), InputError);
    CHECK_THROWS_WITH(jsonl(folder / name, overrides), Catch::Contains((folder / name).string() + message));
  };
  const std::string good = "{\"text\": \"ok\", \"label\": \"a\"}\n";
  fails_with("syntax.jsonl", good + "{\"text\": \"x\", \"label\": }\n", ":2: not valid JSON: ");
  fails_with("truncated.jsonl", good + good + "{\"text\": \"x\"", ":3: not valid JSON: ");
  fails_with("array.jsonl", good + "[\"x\", \"a\"]\n", ":2: an array, but each line must be one JSON object");
  fails_with("missing.jsonl", good + "{\"body\": \"x\", \"label\": \"a\"}\n",
             ":2: no field 'text' (dataset.text_field); this object's fields are: body, label");
  fails_with("missing_pair.jsonl", good, ":1: no field 'hypothesis' (dataset.text_pair_field)",
             {{"text_pair_field", std::string("hypothesis")}});
  fails_with("number_text.jsonl", good + "{\"text\": 3, \"label\": \"a\"}\n",
             ":2: field 'text' is a number; the text must be a JSON string");
  fails_with("float_label.jsonl", good + "{\"text\": \"x\", \"label\": 0.5}\n",
             ":2: field 'label' is a number; a label must be a string (a class name) or an integer");
  fails_with("null_label.jsonl", good + "{\"text\": \"x\", \"label\": null}\n", ":2: field 'label' is null");
  fails_with("empty_label.jsonl", good + "{\"text\": \"x\", \"label\": \" \"}\n", ":2: empty label (field 'label')");
  fails_with("latin1.jsonl", good + "{\"text\": \"caf\xE9\", \"label\": \"a\"}\n", ":2: not valid UTF-8");
  write_file(folder / "blank.jsonl", "\n\n");
  CHECK_THROWS_WITH(jsonl(folder / "blank.jsonl"), Catch::Contains("holds no JSON objects"));
}

TEST_CASE("jsonl: a seeded test split from one file, or a test file") {
  TempFolder folder("jsonl-splits");
  std::string lines;
  for (int i = 0; i < 30; ++i) {
    lines += "{\"text\": \"t" + std::to_string(i) + "\", \"label\": " + std::to_string(i % 3) + "}\n";
  }
  write_file(folder / "all.jsonl", lines);
  const Overrides overrides = {{"test_fraction", 0.2}, {"validation_fraction", 0.25}};
  const auto dataset = jsonl(folder / "all.jsonl", overrides, 3);
  CHECK(dataset->class_names() == std::vector<std::string>{"0", "1", "2"});
  CHECK(dataset->size(Split::Test) == 3 * 2);
  CHECK(dataset->size(Split::Validation) == 3 * 2);
  CHECK(dataset->size(Split::Train) == 3 * 6);
  CHECK(disjoint(text_set(*dataset, Split::Train), text_set(*dataset, Split::Test)));
  CHECK(disjoint(text_set(*dataset, Split::Train), text_set(*dataset, Split::Validation)));
  CHECK(disjoint(text_set(*dataset, Split::Validation), text_set(*dataset, Split::Test)));
  CHECK(texts(*jsonl(folder / "all.jsonl", overrides, 4), Split::Test) == texts(*dataset, Split::Test));
  for (Split split : kSplits) CHECK(texts(*jsonl(folder / "all.jsonl", overrides, 3), split) == texts(*dataset, split));

  write_file(folder / "test.jsonl", "{\"text\": \"held\", \"label\": 2}\n");
  const auto with_test = jsonl(folder / "all.jsonl", {{"test", (folder / "test.jsonl").string()},
                                                      {"train_per_class", std::int64_t{2}}});
  CHECK(texts(*with_test, Split::Test) == std::vector<std::string>{"held"});
  CHECK(with_test->size(Split::Train) == 3 * 2);
}
