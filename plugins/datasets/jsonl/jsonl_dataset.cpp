// Dataset `jsonl`: one JSON object per line (JSON Lines), the text, pair and label fields chosen by
// name. Separate train (optional validation and test) files, or one file with a seeded test split.
// Everything is read in the constructor.
#include <optional>
#include <string_view>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "../common/labels.hpp"
#include "../common/text_dataset.hpp"
#include "../common/text_files.hpp"
#include "graft/errors.hpp"

namespace {

namespace fs = std::filesystem;
namespace td = graft::text_datasets;
using nlohmann::json;

std::string json_kind(const json& value) {
  switch (value.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return "a boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float: return "a number";
    case json::value_t::string: return "a string";
    case json::value_t::array: return "an array";
    case json::value_t::object: return "an object";
    default: return "not a value";
  }
}

// nlohmann's parse message without its "[json.exception.parse_error.101] parse error at line 1, "
// prefix: the line is ours to give.
std::string parse_message(const json::parse_error& error) {
  std::string message = error.what();
  if (const auto bracket = message.find("] "); bracket != std::string::npos) message.erase(0, bracket + 2);
  const std::string at_line = "at line 1, ";
  if (const auto found = message.find(at_line); found != std::string::npos) message.erase(found, at_line.size());
  return message;
}

std::vector<std::string> keys_of(const json& object) {
  std::vector<std::string> keys;
  for (const auto& [key, value] : object.items()) keys.push_back(key);
  return keys;
}

// The field `name` of `object`; `param` is the param that names it, for the message.
const json& field(const json& object, const std::string& name, const std::string& param, const fs::path& file,
                  std::size_t line, const graft::PluginContext& context) {
  const auto found = object.find(name);
  if (found == object.end()) {
    throw graft::InputError(fmt::format("{}:{}: no field '{}' ({}); this object's fields are: {}", file.string(), line,
                                        name, context.param_path(param), fmt::join(keys_of(object), ", ")));
  }
  return *found;
}

std::string text_field(const json& object, const std::string& name, const std::string& param, const fs::path& file,
                       std::size_t line, const graft::PluginContext& context) {
  const auto& value = field(object, name, param, file, line, context);
  if (!value.is_string()) {
    throw graft::InputError(fmt::format("{}:{}: field '{}' is {}; the text must be a JSON string", file.string(), line,
                                        name, json_kind(value)));
  }
  return value.get<std::string>();
}

// A label as written: a string, or an integer (as its decimal digits).
std::string label_field(const json& object, const std::string& name, const fs::path& file, std::size_t line,
                        const graft::PluginContext& context) {
  const auto& value = field(object, name, "label_field", file, line, context);
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number_unsigned()) return std::to_string(value.get<std::uint64_t>());
  if (value.is_number_integer()) return std::to_string(value.get<std::int64_t>());
  throw graft::InputError(fmt::format("{}:{}: field '{}' is {}; a label must be a string (a class name) or an "
                                      "integer (a class number)",
                                      file.string(), line, name, json_kind(value)));
}

td::RawSplit read_jsonl(const fs::path& file, const std::string& param, const graft::Params& params,
                        const graft::PluginContext& context) {
  auto content = td::read_file(file, context.param_path(param));
  td::strip_bom(content);
  td::check_utf8(content, file);
  const auto& text_name = params.get_string("text_field");
  const auto& pair_name = params.get_string("text_pair_field");
  const auto& label_name = params.get_string("label_field");
  td::RawSplit split;
  split.file = file;
  std::size_t line = 0;
  std::size_t start = 0;
  while (start < content.size()) {
    ++line;
    auto end = content.find('\n', start);
    if (end == std::string::npos) end = content.size();
    std::string_view text(content.data() + start, end - start);
    start = end + 1;
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    if (text.find_first_not_of(" \t") == std::string_view::npos) continue;  // a blank line
    json object;
    try {
      object = json::parse(text);
    } catch (const json::parse_error& error) {
      throw graft::InputError(fmt::format("{}:{}: not valid JSON: {}; each line must be one JSON object",
                                          file.string(), line, parse_message(error)));
    }
    if (!object.is_object()) {
      throw graft::InputError(fmt::format("{}:{}: {}, but each line must be one JSON object ({{\"{}\": ..., \"{}\": "
                                          "...}})",
                                          file.string(), line, json_kind(object), text_name, label_name));
    }
    td::RawItem item;
    item.text = text_field(object, text_name, "text_field", file, line, context);
    if (!pair_name.empty()) item.text_pair = text_field(object, pair_name, "text_pair_field", file, line, context);
    item.label = label_field(object, label_name, file, line, context);
    item.line = line;
    split.items.push_back(std::move(item));
  }
  if (split.items.empty()) {
    throw graft::InputError(fmt::format("{}: {} holds no JSON objects; expected one per line",
                                        context.param_path(param), file.string()));
  }
  return split;
}

class JsonlDataset : public td::TextDataset {
 public:
  static graft::ParamSchema schema() {
    graft::ParamSchema schema = td::labelled_files_schema(
        "JSON Lines file (one object per line): the training examples, or all of them when "
        "`test` is empty");
    const graft::ParamSchema own = {
        graft::string_param("text_field", "text", "name of the field holding the text (a string)"),
        graft::string_param("text_pair_field", "",
                            "name of the field holding the second text of sentence pairs; \"\" = no pairs"),
        graft::string_param("label_field", "label", "name of the field holding the label (a string or an integer)"),
    };
    schema.insert(schema.end(), own.begin(), own.end());
    for (auto& spec : td::label_schema()) schema.push_back(spec);
    schema.push_back(td::test_fraction_param("without `test` only"));
    for (auto& spec : graft::subset_schema()) schema.push_back(spec);
    return schema;
  }

  JsonlDataset(const graft::Params& params, const graft::PluginContext& context) {
    for (const char* key : {"text_field", "label_field"}) {
      if (params.get_string(key).empty()) throw graft::InputError(context.param_path(key) + ": name a field");
    }
    const fs::path train_file = params.get_string("train");
    auto data = td::read_labelled_files(params, td::LabelSource{"field '" + params.get_string("label_field") + "'"},
                                        [&params, &context](const fs::path& file, const std::string& param) {
                                          return read_jsonl(file, param, params, context);
                                        });
    load(std::move(data), params, context.seed, "jsonl", train_file.string());
  }
};

}  // namespace

GRAFT_PLUGIN(graft::describe<JsonlDataset>("jsonl", "1.0.0", "texts and labels in JSON Lines files, one object per line"))
