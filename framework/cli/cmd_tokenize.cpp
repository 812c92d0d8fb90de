// graft tokenize: what a text model's tokenizer makes of texts (tokens, input ids, token type
// ids, attention mask), as its collate() would give them to the network. Checks a tokenizer
// against Hugging Face's without loading any weights.
#include <iostream>
#include <memory>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "cli/experiment_loader.hpp"
#include "cli/output.hpp"
#include "cli/training_commands.hpp"
#include "graft/errors.hpp"
#include "graft/model.hpp"
#include "graft/text_model.hpp"
#include "predict/predictor.hpp"

namespace graft::cli {
namespace {

struct TokenizeArguments {
  std::string model;
  std::string weights;
  std::vector<std::string> settings;
  std::vector<std::string> texts;
  std::vector<std::string> text_pairs;
  std::int64_t max_length = 0;
  Format format = Format::Table;
  std::vector<std::string> plugin_paths;
};

void print_tables(const std::vector<std::string>& texts, const std::vector<std::string>& pairs,
                  const std::vector<Encoding>& encodings) {
  for (std::size_t index = 0; index < encodings.size(); ++index) {
    if (index > 0) std::cout << '\n';
    std::cout << "text " << index + 1 << ": " << one_line(texts[index]);
    if (!pairs.empty()) std::cout << "  |  pair: " << one_line(pairs[index]);
    std::cout << '\n';
    const auto& encoding = encodings[index];
    Table table{{"position", "token", "input_id", "token_type_id", "attention_mask"}, {}};
    for (std::size_t position = 0; position < encoding.input_ids.size(); ++position) {
      table.rows.push_back({std::to_string(position), one_line(encoding.tokens[position]),
                            std::to_string(encoding.input_ids[position]),
                            std::to_string(encoding.token_type_ids[position]),
                            std::to_string(encoding.attention_mask[position])});
    }
    print_table(std::cout, table);
  }
}

void print_json(const std::vector<std::string>& texts, const std::vector<std::string>& pairs,
                const std::vector<Encoding>& encodings) {
  nlohmann::json list = nlohmann::json::array();
  for (std::size_t index = 0; index < encodings.size(); ++index) {
    const auto& encoding = encodings[index];
    nlohmann::json item{{"text", texts[index]},
                        {"tokens", encoding.tokens},
                        {"input_ids", encoding.input_ids},
                        {"token_type_ids", encoding.token_type_ids},
                        {"attention_mask", encoding.attention_mask}};
    if (!pairs.empty()) item["text_pair"] = pairs[index];
    list.push_back(std::move(item));
  }
  std::cout << list.dump(2) << '\n';
}

void print_csv_rows(const std::vector<Encoding>& encodings) {
  Table table{{"text", "position", "token", "input_id", "token_type_id", "attention_mask"}, {}};
  for (std::size_t index = 0; index < encodings.size(); ++index) {
    const auto& encoding = encodings[index];
    for (std::size_t position = 0; position < encoding.input_ids.size(); ++position) {
      table.rows.push_back({std::to_string(index + 1), std::to_string(position), encoding.tokens[position],
                            std::to_string(encoding.input_ids[position]),
                            std::to_string(encoding.token_type_ids[position]),
                            std::to_string(encoding.attention_mask[position])});
    }
  }
  print_csv(std::cout, table);
}

int run_tokenize(const TokenizeArguments& arguments) {
  if (arguments.texts.empty()) throw InputError("give at least one --text");
  if (!arguments.text_pairs.empty() && arguments.text_pairs.size() != arguments.texts.size()) {
    throw InputError(fmt::format("{} --text-pair for {} --text: give one --text-pair per --text (pairs go by position)",
                                 arguments.text_pairs.size(), arguments.texts.size()));
  }
  if (arguments.max_length < 0 || arguments.max_length == 1) {
    throw InputError(fmt::format("--max-length must be at least 2 ([CLS] and [SEP]), got {}", arguments.max_length));
  }
  const auto registry = load_registry(arguments.plugin_paths);
  const std::string model = arguments.model.empty() ? model_of_folder(registry, arguments.weights) : arguments.model;
  if (model.empty()) {
    throw InputError(arguments.weights.empty()
                         ? std::string("give --model PLUGIN (a text model, such as bert) and --weights FOLDER")
                         : fmt::format("--weights {}: give --model PLUGIN too (no config.json naming a loaded model "
                                       "plugin in it)",
                                       arguments.weights));
  }
  const Params params = model_params(registry, model, arguments.settings, arguments.weights);
  const auto plugin = registry.create_as<Model>(model, params, PluginContext{});
  const auto* text_model = dynamic_cast<const TextModel*>(plugin.get());
  if (!text_model) {
    throw InputError(fmt::format("model '{}' is not a text model: it has no tokenizer (graft::TextModel)", model));
  }
  const auto& tokenizer = text_model->tokenizer();
  const std::size_t max_length =
      arguments.max_length > 0 ? static_cast<std::size_t>(arguments.max_length) : text_model->max_length();

  std::vector<Encoding> encodings;
  for (std::size_t index = 0; index < arguments.texts.size(); ++index) {
    const auto pair = arguments.text_pairs.empty() ? std::nullopt
                                                   : std::optional<std::string_view>(arguments.text_pairs[index]);
    encodings.push_back(tokenizer.encode(arguments.texts[index], pair, max_length));
  }
  if (arguments.max_length > 0) tokenizer.pad(encodings, Padding::MaxLength, max_length);

  switch (arguments.format) {
    case Format::Json:
      print_json(arguments.texts, arguments.text_pairs, encodings);
      break;
    case Format::Csv:
      print_csv_rows(encodings);
      break;
    case Format::Table:
      print_tables(arguments.texts, arguments.text_pairs, encodings);
      break;
  }
  return 0;
}

}  // namespace

void add_tokenize_command(CLI::App& app, Context& context) {
  auto arguments = std::make_shared<TokenizeArguments>();
  auto* command = app.add_subcommand("tokenize", summary_of("tokenize"));
  command->add_option("--model", arguments->model,
                      "text model plugin, such as bert (optional when --weights is a Hugging Face folder: its "
                      "config.json's model_type)");
  command->add_option("--weights", arguments->weights, "the model's pretrained folder (tokenizer files, config.json)");
  command->add_option("--set", arguments->settings,
                      "a model param, --set model.tokenizer=DIR (repeatable; no weights are loaded)")
      ->allow_extra_args(false);
  command->add_option("--text", arguments->texts, "a text to encode (repeatable: one encoding per text)")
      ->allow_extra_args(false)->required();
  command->add_option("--text-pair", arguments->text_pairs,
                      "the second text of a pair, one per --text, matched by position (repeatable)")
      ->allow_extra_args(false);
  command->add_option("--max-length", arguments->max_length,
                      "truncate and pad to N tokens; default: truncate to the model's max_length, no padding");
  command->add_option("--plugin-path", arguments->plugin_paths, "extra folder of plugin libraries (repeatable)")
      ->allow_extra_args(false);
  add_format_flags(*command, arguments->format);
  command->callback([arguments, &context] { context.exit_status = run_tokenize(*arguments); });
}

}  // namespace graft::cli
