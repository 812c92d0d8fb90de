// graft predict: classify image files or texts with a trained run's checkpoint, or with a model
// plugin and its weights (a torchvision model converted to safetensors, a Hugging Face BERT
// folder). Image models read image files; text models (graft::TextModel) read --text /
// --text-pair or --input-file. A table of the top classes by default; --json gives logits,
// probabilities and (--features) the backbone's output per input.
#include <algorithm>
#include <fstream>
#include <iostream>
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "cli/command.hpp"
#include "cli/output.hpp"
#include "cli/training_commands.hpp"
#include "graft/errors.hpp"
#include "graft/image_io.hpp"
#include "graft/text_model.hpp"
#include "predict/predictor.hpp"

namespace graft::cli {
namespace {

constexpr std::size_t kTextBatch = 16;        // texts per forward pass
constexpr std::size_t kShownCharacters = 60;  // of a text in the table

struct PredictArguments {
  std::int64_t run = 0;
  std::string checkpoint = "best";
  std::string model;
  std::vector<std::string> settings;
  std::string weights;
  std::vector<std::string> images;
  std::vector<std::string> texts;
  std::vector<std::string> text_pairs;
  std::string input_file;
  int top = 5;
  bool features = false;
  Format format = Format::Table;
  std::vector<std::string> plugin_paths;
};

struct TextInput {
  std::string text;
  std::string pair;  // empty: a single text
};

struct Prediction {
  std::string input;
  std::string pair;     // text pairs: the second text
  at::Tensor logits;    // [classes]
  at::Tensor features;  // defined with --features
};

nlohmann::json to_json(const at::Tensor& values) {
  const at::Tensor flat = values.to(torch::kFloat64).contiguous().view(-1);
  return std::vector<double>(flat.data_ptr<double>(), flat.data_ptr<double>() + flat.numel());
}

std::vector<Prediction> predict_images(Predictor& predictor, const std::vector<std::string>& inputs,
                                       bool with_features) {
  torch::NoGradGuard no_grad;
  std::vector<Prediction> predictions;
  for (const auto& input : inputs) {  // one at a time: images may differ in size
    Example example;
    example.image = read_image(input);
    const Batch batch = predictor.model->collate({example}, CollateOptions{});
    const at::Tensor features = predictor.model->features(batch);
    Prediction prediction{input, {}, predictor.model->head(features)[0], {}};
    if (with_features) prediction.features = features[0];
    predictions.push_back(std::move(prediction));
  }
  return predictions;
}

std::vector<Prediction> predict_texts(Predictor& predictor, const std::vector<TextInput>& inputs, bool with_features) {
  torch::NoGradGuard no_grad;
  std::vector<Prediction> predictions;
  for (std::size_t start = 0; start < inputs.size(); start += kTextBatch) {
    const std::size_t end = std::min(inputs.size(), start + kTextBatch);
    std::vector<Example> examples;
    for (std::size_t index = start; index < end; ++index) {
      Example example;
      example.text = inputs[index].text;
      example.text_pair = inputs[index].pair;
      examples.push_back(std::move(example));
    }
    const Batch batch = predictor.model->collate(examples, CollateOptions{});
    const at::Tensor features = predictor.model->features(batch);
    const at::Tensor logits = predictor.model->head(features);
    for (std::size_t index = start; index < end; ++index) {
      const auto row = static_cast<std::int64_t>(index - start);
      Prediction prediction{inputs[index].text, inputs[index].pair, logits[row], {}};
      if (with_features) prediction.features = features[row];
      predictions.push_back(std::move(prediction));
    }
  }
  return predictions;
}

// --input-file: one text per line, or a pair as TEXT<TAB>PAIR; empty lines are skipped.
std::vector<TextInput> read_input_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError(fmt::format("--input-file {}: cannot read the file", path));
  std::vector<TextInput> inputs;
  std::string line;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    const auto tab = line.find('\t');
    if (tab == std::string::npos) {
      inputs.push_back({line, {}});
    } else if (line.find('\t', tab + 1) != std::string::npos) {
      throw InputError(fmt::format("{}:{}: more than one tab (a line is TEXT or TEXT<TAB>PAIR)", path, number));
    } else {
      inputs.push_back({line.substr(0, tab), line.substr(tab + 1)});
    }
  }
  if (inputs.empty()) throw InputError(fmt::format("--input-file {}: no text in the file", path));
  return inputs;
}

std::vector<TextInput> text_inputs(const PredictArguments& arguments) {
  if (!arguments.text_pairs.empty() && arguments.text_pairs.size() != arguments.texts.size()) {
    throw InputError(fmt::format("{} --text-pair for {} --text: give one --text-pair per --text (pairs go by position)",
                                 arguments.text_pairs.size(), arguments.texts.size()));
  }
  std::vector<TextInput> inputs;
  for (std::size_t index = 0; index < arguments.texts.size(); ++index) {
    inputs.push_back({arguments.texts[index], arguments.text_pairs.empty() ? std::string() : arguments.text_pairs[index]});
  }
  if (!arguments.input_file.empty()) {
    auto more = read_input_file(arguments.input_file);
    inputs.insert(inputs.end(), more.begin(), more.end());
  }
  return inputs;
}

std::string shown(const Prediction& prediction) {
  std::string text = prediction.pair.empty() ? prediction.input : prediction.input + " | " + prediction.pair;
  text = one_line(text);
  if (text.size() > kShownCharacters) {
    std::size_t cut = kShownCharacters;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // not inside a UTF-8 character
    text = text.substr(0, cut) + "...";
  }
  return text;
}

void print_json(const Predictor& predictor, const std::vector<Prediction>& predictions) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& prediction : predictions) {
    const auto index = prediction.logits.argmax().item<std::int64_t>();
    nlohmann::json item{{"input", prediction.input},
                        {"label", predictor.classes.at(static_cast<std::size_t>(index))},
                        {"index", index},
                        {"probabilities", to_json(torch::softmax(prediction.logits.to(torch::kFloat64), 0))},
                        {"logits", to_json(prediction.logits)}};
    if (!prediction.pair.empty()) item["text_pair"] = prediction.pair;
    if (prediction.features.defined()) item["features"] = to_json(prediction.features);
    list.push_back(std::move(item));
  }
  std::cout << nlohmann::json{{"model", predictor.model_name}, {"classes", predictor.classes}, {"predictions", list}}.dump(2)
            << '\n';
}

void print_top(const Predictor& predictor, const std::vector<Prediction>& predictions, int top, Format format) {
  const auto k = std::min<std::int64_t>(top, static_cast<std::int64_t>(predictor.classes.size()));
  Table table{{"input"}, {}};
  for (std::int64_t rank = 1; rank <= k; ++rank) {
    table.columns.push_back("top" + std::to_string(rank));
    table.columns.push_back("p" + std::to_string(rank));
  }
  for (const auto& prediction : predictions) {
    const auto [probabilities, indices] = torch::softmax(prediction.logits.to(torch::kFloat64), 0).topk(k);
    std::vector<std::string> row{format == Format::Csv ? prediction.input : shown(prediction)};
    for (std::int64_t rank = 0; rank < k; ++rank) {
      row.push_back(predictor.classes.at(static_cast<std::size_t>(indices[rank].item<std::int64_t>())));
      row.push_back(format_number(probabilities[rank].item<double>()));
    }
    table.rows.push_back(std::move(row));
  }
  if (format == Format::Csv) {
    print_csv(std::cout, table);
  } else {
    print_table(std::cout, table);
  }
}

void check_sources(const PredictArguments& arguments) {
  if (arguments.run > 0 && (!arguments.model.empty() || !arguments.settings.empty() || !arguments.weights.empty())) {
    throw InputError("--model, --set and --weights go without --run; a run brings its own config and checkpoint");
  }
  if (arguments.run <= 0 && arguments.model.empty() && arguments.weights.empty()) {
    throw InputError("give either --run RUN (a trained run) or --model PLUGIN (with --weights PATH)");
  }
  if (arguments.top < 1) throw InputError("--top must be at least 1");
  const bool texts = !arguments.texts.empty() || !arguments.input_file.empty();
  if (arguments.images.empty() && !texts) {
    throw InputError("nothing to predict: give image files, or --text / --input-file for a text model");
  }
  if (!arguments.images.empty() && texts) {
    throw InputError("give either image files or texts (--text, --input-file), not both");
  }
  if (!arguments.text_pairs.empty() && arguments.texts.empty()) throw InputError("--text-pair goes with --text");
}

int run_predict(const PredictArguments& arguments, const Context& context) {
  check_sources(arguments);
  const auto texts = text_inputs(arguments);  // file errors before the model loads
  // Image files for image models, texts for text models: checked before any weights load.
  const ModelCheck suits_inputs = [&](const Model& model, const std::string& name) {
    const bool reads_text = dynamic_cast<const TextModel*>(&model) != nullptr;
    if (reads_text && !arguments.images.empty()) {
      throw InputError(fmt::format("model '{}' reads text: give --text TEXT (with --text-pair PAIR) or --input-file "
                                   "FILE instead of files",
                                   name));
    }
    if (!reads_text && !texts.empty()) {
      throw InputError(
          fmt::format("model '{}' reads images, not text: give image files instead of --text / --input-file", name));
    }
  };
  auto predictor = arguments.run > 0
                       ? predictor_from_run(context.store_path(), arguments.run, arguments.checkpoint,
                                            arguments.plugin_paths, suits_inputs)
                       : predictor_from_plugin(arguments.model, arguments.settings, arguments.weights,
                                               arguments.plugin_paths, suits_inputs);
  const bool text_model = !texts.empty();
  const auto predictions = text_model ? predict_texts(predictor, texts, arguments.features)
                                      : predict_images(predictor, arguments.images, arguments.features);
  if (arguments.format == Format::Json) {
    print_json(predictor, predictions);
  } else {
    print_top(predictor, predictions, arguments.top, arguments.format);
  }
  return 0;
}

}  // namespace

void add_predict_command(CLI::App& app, Context& context) {
  auto arguments = std::make_shared<PredictArguments>();
  auto* command = app.add_subcommand("predict", summary_of("predict"));
  command->add_option("--run", arguments->run, "run id whose checkpoint to use (see `graft runs`)");
  command->add_option("--checkpoint", arguments->checkpoint,
                      "with --run: best (default), last, or epoch-N of a run that kept every epoch's");
  command->add_option("--model", arguments->model,
                      "model plugin, when predicting without a run (optional for a Hugging Face folder as --weights: "
                      "its config.json's model_type)");
  // Repeatable options take one value per use, so that image files after them stay positional.
  command->add_option("--set", arguments->settings, "with --model: a model param, --set model.depth=50 (repeatable)")
      ->allow_extra_args(false);
  command->add_option("--weights", arguments->weights,
                      "with --model: a .safetensors state dict (the head gives the class count), or a model folder "
                      "(a Hugging Face BERT folder)");
  command->add_option("IMAGE", arguments->images, "image files (PNG or JPEG), for image models");
  command->add_option("--text", arguments->texts, "a text to classify, for text models (repeatable)")
      ->allow_extra_args(false);
  command->add_option("--text-pair", arguments->text_pairs,
                      "the second text of a sentence pair, one per --text, matched by position (repeatable)")
      ->allow_extra_args(false);
  command->add_option("--input-file", arguments->input_file,
                      "a file of texts to classify, one per line; TEXT<TAB>PAIR for sentence pairs");
  command->add_option("--top", arguments->top, "classes per input in the table (default 5)");
  command->add_flag("--features", arguments->features,
                    "with --json: also the backbone features of each input (a text model: BERT's pooler output)");
  command->add_option("--plugin-path", arguments->plugin_paths, "extra folder of plugin libraries (repeatable)")
      ->allow_extra_args(false);
  add_format_flags(*command, arguments->format);
  command->callback([arguments, &context] { context.exit_status = run_predict(*arguments, context); });
}

}  // namespace graft::cli
