// `graft predict` as a user runs it: a torchvision state dict as safetensors and a 256x256 PNG
// give torchvision's logits (the resize is exact at 256, so only the crop and normalisation act).
#include <torch/torch.h>

#include <catch2/catch.hpp>

#include "formula_weights.hpp"
#include "graft/image_io.hpp"
#include "references.hpp"
#include "support/run_graft.hpp"
#include "support/temp_folder.hpp"

using namespace graft;
using namespace graft::testing;

namespace {

struct PredictCase {
  TempFolder folder{"predict-cli"};
  std::filesystem::path weights, image;
  const nlohmann::json& reference;

  explicit PredictCase(const std::string& architecture)
      : weights(folder / (architecture + ".safetensors")),
        image(folder / "image.png"),
        reference(vision_references()["models"][architecture]) {
    Shapes shapes;
    for (const auto& entry : reference["state_dict"])
      shapes.emplace(entry[0].get<std::string>(), entry[1].get<std::vector<std::int64_t>>());
    write_formula_weights(weights, shapes);
    const auto& size = vision_references()["image"];
    write_png(image, formula_image(size["height"].get<std::int64_t>(), size["width"].get<std::int64_t>()));
  }

  std::vector<std::string> model_arguments() const {
    std::vector<std::string> args{"predict", "--model", reference["plugin"].get<std::string>()};
    for (const auto& [key, value] : reference["params"].items()) {
      args.push_back("--set");
      args.push_back("model." + key + "=" + value.dump());
    }
    args.push_back("--weights");
    args.push_back(weights.string());
    return args;
  }
};

double largest_difference(const nlohmann::json& values, const nlohmann::json& expected) {
  const auto got = values.get<std::vector<double>>();
  const auto want = expected.get<std::vector<double>>();
  REQUIRE(got.size() >= want.size());
  double largest = 0;
  for (std::size_t i = 0; i < want.size(); ++i) largest = std::max(largest, std::abs(got[i] - want[i]));
  return largest;
}

void check_parity(const std::string& architecture) {
  PredictCase predict(architecture);
  auto args = predict.model_arguments();
  args.insert(args.end(), {"--json", "--features", predict.image.string()});
  const auto finished = run_graft(predict.folder.path(), args);
  INFO(finished.err);
  REQUIRE(finished.status == 0);
  const auto output = nlohmann::json::parse(finished.out);
  const auto& expected_logits = predict.reference["logits"];
  CHECK(output["model"] == predict.reference["plugin"]);
  CHECK(output["classes"].size() == expected_logits.size());  // from the checkpoint's head
  const auto& prediction = output["predictions"].at(0);
  CHECK(prediction["input"] == predict.image.string());
  CHECK(largest_difference(prediction["logits"], expected_logits) <= 1e-4);
  CHECK(largest_difference(prediction["features"], predict.reference["first_features"]) <= 1e-4);

  const auto want = expected_logits.get<std::vector<double>>();
  const auto best = std::max_element(want.begin(), want.end()) - want.begin();
  CHECK(prediction["index"] == best);
  CHECK(prediction["label"] == std::to_string(best));
  double total = 0;
  for (double p : prediction["probabilities"].get<std::vector<double>>()) total += p;
  CHECK(total == Approx(1.0));
}

}  // namespace

// Every architecture of the parity references, through the command line.
TEST_CASE("predict with resnet18 weights gives torchvision's logits and features") { check_parity("resnet18"); }
TEST_CASE("predict with resnet50 weights gives torchvision's logits and features") { check_parity("resnet50"); }
TEST_CASE("predict with vgg11 weights gives torchvision's logits and features") { check_parity("vgg11"); }
TEST_CASE("predict with vgg11_bn weights gives torchvision's logits and features") { check_parity("vgg11_bn"); }
TEST_CASE("predict with vgg16 weights gives torchvision's logits and features") { check_parity("vgg16"); }
TEST_CASE("predict with vgg16_bn weights gives torchvision's logits and features") { check_parity("vgg16_bn"); }
TEST_CASE("predict with alexnet weights gives torchvision's logits and features") { check_parity("alexnet"); }

TEST_CASE("predict prints a table of the top classes, and refuses mixed or missing sources") {
  PredictCase predict("resnet18");
  auto args = predict.model_arguments();
  args.insert(args.end(), {"--top", "3", predict.image.string()});
  const auto table = run_graft(predict.folder.path(), args);
  INFO(table.err);
  REQUIRE(table.status == 0);
  CHECK(table.out.find("top3") != std::string::npos);
  CHECK(table.out.find("image.png") != std::string::npos);

  const auto neither = run_graft(predict.folder.path(), {"predict", predict.image.string()});
  CHECK(neither.status == 2);
  CHECK(neither.err.find("give either --run RUN") != std::string::npos);

  const auto missing = run_graft(predict.folder.path(), {"predict", "--model", "resnet", "--weights",
                                                         predict.weights.string(), "missing.png"});
  CHECK(missing.status == 2);
  CHECK(missing.err.find("missing.png") != std::string::npos);

  const auto typo = run_graft(predict.folder.path(), {"predict", "--model", "resnet", "--set", "model.deph=18",
                                                      predict.image.string()});
  CHECK(typo.status == 2);
  CHECK(typo.err.find("did you mean 'depth'") != std::string::npos);
}
