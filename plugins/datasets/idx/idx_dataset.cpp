// Dataset `idx`: MNIST-family data in IDX files (train-images-idx3-ubyte, train-labels-idx1-ubyte,
// t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte; each plain or .gz) in one folder.
#include <torch/torch.h>

#include <algorithm>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "graft/dataset.hpp"
#include "graft/errors.hpp"
#include "graft/log.hpp"
#include "graft/splits.hpp"
#include "idx_file.hpp"

namespace {

// The file of class names a dataset folder may hold beside its IDX files: one per line, in
// label order (as torchvision's FashionMNIST.classes, or a Hugging Face dataset's label names).
constexpr const char* kClassNamesFile = "classes.txt";

// "<folder>/<stem>" or "<folder>/<stem>.gz", whichever exists.
std::filesystem::path find_file(const std::filesystem::path& folder, const std::string& stem, const std::string& key) {
  for (const auto& candidate : {folder / stem, folder / (stem + ".gz")}) {
    if (std::filesystem::exists(candidate)) return candidate;
  }
  throw graft::InputError(key + ": no " + stem + " or " + stem + ".gz in " + folder.string());
}

struct ImagesAndLabels {
  torch::Tensor images;              // uint8 [N, H, W]
  std::vector<std::int64_t> labels;
};

ImagesAndLabels read_pair(const std::filesystem::path& folder, const std::string& prefix, const std::string& key) {
  const auto image_path = find_file(folder, prefix + "-images-idx3-ubyte", key);
  const auto label_path = find_file(folder, prefix + "-labels-idx1-ubyte", key);
  auto images = graft::idx::read_idx(image_path);
  const auto labels = graft::idx::read_idx(label_path);
  if (images.shape.size() != 3) throw graft::InputError(image_path.string() + ": expected 3 dimensions (N, H, W)");
  if (labels.shape.size() != 1 || labels.shape[0] != images.shape[0]) {
    throw graft::InputError(label_path.string() + ": " + std::to_string(labels.data.size()) + " labels for " +
                            std::to_string(images.shape[0]) + " images in " + image_path.string());
  }
  ImagesAndLabels out;
  out.images = torch::from_blob(images.data.data(), images.shape, torch::kUInt8).clone();
  out.labels.assign(labels.data.begin(), labels.data.end());
  return out;
}

// The names in <folder>/classes.txt (blank lines and surrounding spaces ignored); none without the file.
std::vector<std::string> names_beside(const std::filesystem::path& folder) {
  std::ifstream file(folder / kClassNamesFile);
  std::vector<std::string> names;
  if (!file) return names;
  for (std::string line; std::getline(file, line);) {
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos) continue;
    names.push_back(line.substr(first, line.find_last_not_of(" \t\r") - first + 1));
  }
  return names;
}

class IdxDataset : public graft::Dataset {
 public:
  static graft::ParamSchema schema() {
    graft::ParamSchema schema = {
        graft::required_param("path", graft::ParamType::String, "folder holding the four IDX files (plain or .gz)"),
        graft::string_list_param("class_names", {},
                                 "names of the source labels, in label order; [] = the lines of classes.txt in "
                                 "the folder when there is one, else the label numbers"),
    };
    for (auto& spec : graft::subset_schema()) schema.push_back(spec);
    return schema;
  }

  IdxDataset(const graft::Params& params, const graft::PluginContext& context) {
    const std::filesystem::path folder = params.get_string("path");
    const std::string path_key = context.param_path("path");
    if (!std::filesystem::is_directory(folder)) {
      throw graft::InputError(path_key + ": " + folder.string() + " is not a folder");
    }
    train_ = read_pair(folder, "train", path_key);
    test_ = read_pair(folder, "t10k", path_key);
    if (train_.labels.empty()) throw graft::InputError(path_key + ": the training files in " + folder.string() + " are empty");
    std::int64_t num_classes = 1 + *std::max_element(train_.labels.begin(), train_.labels.end());
    for (auto label : test_.labels) num_classes = std::max(num_classes, label + 1);
    splits_ = graft::make_splits(train_.labels, test_.labels, num_classes, graft::SubsetOptions::from(params),
                                 context.seed);

    auto source_names = params.get_string_list("class_names");
    std::string names_from = context.param_path("class_names");
    if (source_names.empty()) {
      source_names = names_beside(folder);
      names_from = (folder / kClassNamesFile).string();
    }
    if (!source_names.empty() && static_cast<std::int64_t>(source_names.size()) != num_classes) {
      throw graft::InputError(fmt::format("{}: {} names for the {} labels of {}; give one name per label, in label order",
                                          names_from, source_names.size(), num_classes, folder.string()));
    }
    names_ = graft::class_names_of(splits_, source_names, num_classes);
    graft::log::info("idx: {} classes, {} train / {} validation / {} test examples from {}", names_.size(),
                     splits_.train.size(), splits_.validation.size(), splits_.test.size(), folder.string());
  }

  std::vector<std::string> class_names() const override { return names_; }

  std::size_t size(graft::Split split) const override { return splits_.of(split).size(); }

  graft::Example get(graft::Split split, std::size_t position) const override {
    const auto& chosen = splits_.of(split);
    const auto& source = split == graft::Split::Test ? test_ : train_;
    graft::Example example;
    example.image = source.images[static_cast<std::int64_t>(chosen.items.at(position))].unsqueeze(0);  // [1, H, W]
    example.label = chosen.labels[position];
    return example;
  }

 private:

  ImagesAndLabels train_, test_;
  graft::Splits splits_;
  std::vector<std::string> names_;
};

}  // namespace

GRAFT_PLUGIN(graft::describe<IdxDataset>("idx", "1.0.0", "MNIST-family IDX files (plain or gzipped)"))
