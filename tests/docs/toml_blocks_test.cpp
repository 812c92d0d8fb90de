// Every ```toml block of the README and docs/ goes through `graft validate`, so that an example
// cannot name a key, a plugin or a value the code no longer accepts. Most blocks are fragments
// ("[strategy] plugin = ..."): they are validated on top of a small base experiment, whose tables
// they replace. A block the test cannot validate says why, on the line before its fence:
//   <!-- toml: not validated (the plugin this tutorial builds) -->
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "support/run_graft.hpp"
#include "support/temp_folder.hpp"

namespace fs = std::filesystem;

namespace {

constexpr const char* kOptOut = "<!-- toml: not validated (";

// The tables a fragment is validated with: a model and a dataset that every block can refine.
constexpr const char* kBase = R"toml([experiment]
name = "docs-example"
seed = 1

[model]
plugin = "resnet"
depth = 18
in_channels = 1
image_size = 32
resize_size = 32

[dataset]
plugin = "idx"
path = "/usr/share/datasets/fashion-mnist"
)toml";

struct Block {
  std::string where;  // "docs/experiments.md:191"
  std::string text;   // dedented as a list item's block is
  bool opted_out = false;
};

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string without_indent(const std::string& line, std::size_t indent) {
  const auto spaces = std::min(indent, line.find_first_not_of(' '));
  return line.substr(std::min(spaces, line.size()));
}

std::vector<Block> toml_blocks(const fs::path& page, const std::string& shown_as) {
  const auto lines = lines_of(graft::testing::read_text(page));
  std::vector<Block> blocks;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto indent = lines[i].find_first_not_of(' ');
    if (indent == std::string::npos || lines[i].compare(indent, std::string::npos, "```toml") != 0) continue;
    Block block;
    block.where = shown_as + ":" + std::to_string(i + 2);  // the block's first line
    block.opted_out = i > 0 && lines[i - 1].find(kOptOut) != std::string::npos;
    for (++i; i < lines.size() && lines[i].find("```") == std::string::npos; ++i)
      block.text += without_indent(lines[i], indent) + "\n";
    blocks.push_back(std::move(block));
  }
  return blocks;
}

// "[tasks.coarse]" -> "tasks.coarse" for each table header of `text`.
std::vector<std::string> table_names(const std::string& text) {
  static const std::regex header(R"(^\[([^\[\]]+)\])");
  std::vector<std::string> names;
  for (const auto& line : lines_of(text)) {
    std::smatch match;
    if (std::regex_search(line, match, header)) names.push_back(match[1]);
  }
  return names;
}

// The base's tables the block does not declare, then the block.
std::string completed(const std::string& block) {
  const auto declared = table_names(block);
  if (std::find(declared.begin(), declared.end(), "experiment") != declared.end()) return block;
  std::string out, table;
  for (const auto& line : lines_of(kBase)) {
    if (const auto names = table_names(line); !names.empty()) table = names.front();
    if (std::find(declared.begin(), declared.end(), table) == declared.end()) out += line + "\n";
  }
  return out + "\n" + block;
}

std::vector<Block> every_block() {
  const fs::path root = GRAFT_SOURCE_DIR;
  std::vector<Block> blocks = toml_blocks(root / "README.md", "README.md");
  std::vector<fs::path> pages;
  for (const auto& entry : fs::directory_iterator(root / "docs"))
    if (entry.path().extension() == ".md") pages.push_back(entry.path());
  std::sort(pages.begin(), pages.end());
  for (const auto& page : pages) {
    auto found = toml_blocks(page, "docs/" + page.filename().string());
    blocks.insert(blocks.end(), found.begin(), found.end());
  }
  return blocks;
}

}  // namespace

TEST_CASE("every TOML block of the README and docs/ passes graft validate") {
  const auto blocks = every_block();
  REQUIRE(blocks.size() >= 15);  // the docs hold about twenty; none found means the reader broke
  graft::testing::TempFolder folder("docs-toml");
  std::size_t validated = 0;
  for (const auto& block : blocks) {
    if (block.opted_out) continue;
    const auto file = folder / "example.toml";
    std::ofstream(file) << completed(block.text);
    const auto finished = graft::testing::run_graft(folder.path(), {"validate", file.string()});
    INFO(block.where << ", validated as:\n" << completed(block.text) << "\ngraft said:\n" << finished.err);
    CHECK(finished.status == 0);
    ++validated;
  }
  CHECK(validated + 2 >= blocks.size());  // opting out stays the exception
}

TEST_CASE("the docs' TOML reader finds indented blocks and fills fragments from the base") {
  graft::testing::TempFolder folder("docs-toml-reader");
  const auto page = folder / "page.md";
  std::ofstream(page) << "text\n\n```toml\n[strategy]\nplugin = \"full\"\n```\n\n1. step\n\n"
                         "   <!-- toml: not validated (a plugin built above) -->\n   ```toml\n   [scheduler]\n"
                         "   plugin = \"mine\"\n   ```\n";
  const auto blocks = toml_blocks(page, "page.md");
  REQUIRE(blocks.size() == 2);
  CHECK(blocks[0].where == "page.md:4");
  CHECK_FALSE(blocks[0].opted_out);
  CHECK(blocks[1].text == "[scheduler]\nplugin = \"mine\"\n");
  CHECK(blocks[1].opted_out);
  const auto full = completed("[dataset]\nplugin = \"jsonl\"\n");
  CHECK(table_names(full) == std::vector<std::string>{"experiment", "model", "dataset"});
  CHECK(full.find("fashion-mnist") == std::string::npos);  // the block's [dataset] replaced the base's
  CHECK(completed("[experiment]\nname = \"x\"\n") == "[experiment]\nname = \"x\"\n");
}
