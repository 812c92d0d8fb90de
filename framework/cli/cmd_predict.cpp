// graft predict: classify image files with a trained run's checkpoint, or with a model plugin and
// a state dict (a torchvision model converted to safetensors). A table of the top classes by
// default; --json gives logits, probabilities and (--features) the backbone's output per input.
#include <algorithm>
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "command.hpp"
#include "graft/errors.hpp"
#include "graft/image_io.hpp"
#include "output.hpp"
#include "predict/predictor.hpp"

namespace graft::cli {
namespace {

struct PredictArguments {
  std::int64_t run = 0;
  std::string checkpoint = "best";
  std::string model;
  std::vector<std::string> settings;
  std::string weights;
  std::vector<std::string> images;
  int top = 5;
  bool features = false;
  Format format = Format::Table;
  std::vector<std::string> plugin_paths;
};

struct Prediction {
  std::string input;
  at::Tensor logits;    // [classes]
  at::Tensor features;  // defined with --features
};

nlohmann::json to_json(const at::Tensor& values) {
  const at::Tensor flat = values.to(torch::kFloat64).contiguous().view(-1);
  return std::vector<double>(flat.data_ptr<double>(), flat.data_ptr<double>() + flat.numel());
}

std::vector<Prediction> predict(Predictor& predictor, const std::vector<std::string>& inputs, bool with_features) {
  torch::NoGradGuard no_grad;
  std::vector<Prediction> predictions;
  for (const auto& input : inputs) {  // one at a time: images may differ in size
    Example example;
    example.image = read_image(input);
    const Batch batch = predictor.model->collate({example}, CollateOptions{Mode::Eval, 0});
    const at::Tensor features = predictor.model->features(batch);
    Prediction prediction{input, predictor.model->head(features)[0], {}};
    if (with_features) prediction.features = features[0];
    predictions.push_back(std::move(prediction));
  }
  return predictions;
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
    std::vector<std::string> row{prediction.input};
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

int run_predict(const PredictArguments& arguments, const Context& context) {
  if ((arguments.run > 0) == !arguments.model.empty()) {
    throw InputError("give either --run RUN (a trained run) or --model PLUGIN (with --weights PATH)");
  }
  if (arguments.run > 0 && (!arguments.settings.empty() || !arguments.weights.empty())) {
    throw InputError("--set and --weights go with --model; a run brings its own config and checkpoint");
  }
  if (arguments.top < 1) throw InputError("--top must be at least 1");
  auto predictor = arguments.run > 0
                       ? predictor_from_run(context.store_path(), arguments.run, arguments.checkpoint,
                                            arguments.plugin_paths)
                       : predictor_from_plugin(arguments.model, arguments.settings, arguments.weights,
                                               arguments.plugin_paths);
  const auto predictions = predict(predictor, arguments.images, arguments.features);
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
  auto* command = app.add_subcommand("predict", "classify images with a run's checkpoint or a model and its weights");
  command->add_option("--run", arguments->run, "run id whose checkpoint to use (see `graft runs`)");
  command->add_option("--checkpoint", arguments->checkpoint, "with --run: best (default) or last")
      ->check(CLI::IsMember({"best", "last"}));
  command->add_option("--model", arguments->model, "model plugin, when predicting without a run");
  command->add_option("--set", arguments->settings, "with --model: a model param, --set model.depth=50 (repeatable)");
  command->add_option("--weights", arguments->weights, "with --model: a .safetensors state dict (the head gives the "
                                                       "class count)");
  command->add_option("IMAGE", arguments->images, "image files (PNG or JPEG)")->required();
  command->add_option("--top", arguments->top, "classes per image in the table (default 5)");
  command->add_flag("--features", arguments->features, "with --json: also the backbone features of each image");
  command->add_option("--plugin-path", arguments->plugin_paths, "extra folder of plugin libraries (repeatable)");
  add_format_flags(*command, arguments->format);
  command->callback([arguments, &context] { context.exit_status = run_predict(*arguments, context); });
}

}  // namespace graft::cli
