#include "bert_weights.hpp"

#include <fstream>
#include <set>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "graft/errors.hpp"
#include "graft/safetensors.hpp"
#include "graft/state_dict.hpp"

namespace graft::bert {
namespace {

namespace fs = std::filesystem;

const std::string kPrefix = "bert.";
const std::string kHead = "classifier.";

bool starts_with(const std::string& text, const std::string& prefix) { return text.rfind(prefix, 0) == 0; }

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Tensors of other classes' checkpoints that a sequence classifier does not have.
bool left_out(const std::string& name) {
  return starts_with(name, "cls.") || ends_with(name, "embeddings.position_ids") ||
         ends_with(name, "embeddings.token_type_ids");
}

// TensorFlow-era names of LayerNorm parameters.
std::string modern_name(std::string name) {
  if (ends_with(name, "LayerNorm.gamma")) return name.replace(name.size() - 5, 5, "weight");
  if (ends_with(name, "LayerNorm.beta")) return name.replace(name.size() - 4, 4, "bias");
  return name;
}

bool encoder_tensor(const std::string& name) {
  return starts_with(name, "embeddings.") || starts_with(name, "encoder.") || starts_with(name, "pooler.");
}

std::string shape_text(at::IntArrayRef sizes) { return fmt::format("[{}]", fmt::join(sizes, ", ")); }

const char* kConvertHelp =
    "convert it once with Python (pip install torch safetensors): python -c \"import torch; from safetensors.torch "
    "import save_file; d = torch.load('{0}/pytorch_model.bin', map_location='cpu'); save_file({{k: v.clone()."
    "contiguous() for k, v in d.items()}}, '{0}/model.safetensors', metadata={{'format': 'pt'}})\"; or with "
    "transformers: AutoModelForSequenceClassification.from_pretrained('{0}').save_pretrained('OUT', "
    "safe_serialization=True) (see docs/models.md, BERT)";

Checkpoint read_shards(const fs::path& index, const std::string& param) {
  std::ifstream in(index);
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& error) {
    throw InputError(fmt::format("{} = {}: not valid JSON: {}", param, index.string(), error.what()));
  }
  const auto map = json.find("weight_map");
  if (map == json.end() || !map->is_object()) {
    throw InputError(fmt::format("{} = {}: no \"weight_map\" object", param, index.string()));
  }
  std::set<std::string> files;
  for (const auto& [name, file] : map->items()) {
    if (!file.is_string()) throw InputError(fmt::format("{} = {}: bad entry for {}", param, index.string(), name));
    files.insert(file.get<std::string>());
  }
  std::map<std::string, at::Tensor> tensors;
  for (const auto& file : files) {
    for (auto& [name, tensor] : load_safetensors(index.parent_path() / file)) tensors[name] = tensor;
  }
  return Checkpoint{to_classifier_names(tensors), fmt::format("{} = {}", param, index.string())};
}

}  // namespace

std::map<std::string, at::Tensor> to_classifier_names(const std::map<std::string, at::Tensor>& tensors) {
  const auto given = without_data_parallel_prefix(tensors);
  bool prefixed = false;
  for (const auto& entry : given) prefixed = prefixed || starts_with(entry.first, kPrefix);
  std::map<std::string, at::Tensor> renamed;
  for (const auto& [name, tensor] : given) {
    if (left_out(name)) continue;
    std::string modern = modern_name(name);
    if (!prefixed && encoder_tensor(modern)) modern = kPrefix + modern;
    renamed[modern] = tensor;
  }
  return renamed;
}

Checkpoint read_folder_weights(const fs::path& folder, const std::string& param) {
  const fs::path single = folder / "model.safetensors";
  if (fs::is_regular_file(single)) return read_file_weights(single, param);
  const fs::path index = folder / "model.safetensors.index.json";
  if (fs::is_regular_file(index)) return read_shards(index, param);
  if (fs::is_regular_file(folder / "pytorch_model.bin") || fs::is_regular_file(folder / "pytorch_model.bin.index.json")) {
    throw InputError(fmt::format(
        "{} = {}: the weights are in pytorch_model.bin, torch's pickle format, which graft does not read (loading a "
        "pickle can run code); it needs model.safetensors: {}",
        param, folder.string(), fmt::format(fmt::runtime(kConvertHelp), folder.string())));
  }
  throw InputError(fmt::format(
      "{} = {}: no model.safetensors in the folder (a Hugging Face BERT folder holds config.json, vocab.txt and "
      "model.safetensors)",
      param, folder.string()));
}

Checkpoint read_file_weights(const fs::path& file, const std::string& param) {
  return Checkpoint{to_classifier_names(load_safetensors(file)), fmt::format("{} = {}", param, file.string())};
}

std::optional<std::int64_t> head_classes(const Checkpoint& checkpoint) {
  const auto found = checkpoint.tensors.find(kHead + "weight");
  if (found == checkpoint.tensors.end() || found->second.dim() != 2) return std::nullopt;
  return found->second.size(0);
}

void load_weights(SequenceClassifier& network, const Checkpoint& checkpoint, bool new_head) {
  auto skip = [new_head](const std::string& name) { return new_head && starts_with(name, kHead); };
  const auto targets = state_dict(network);
  std::vector<std::string> missing;
  for (const auto& [name, target] : targets) {
    if (skip(name)) continue;
    const auto found = checkpoint.tensors.find(name);
    if (found == checkpoint.tensors.end()) {
      missing.push_back(name);
      continue;
    }
    if (!found->second.sizes().equals(target.sizes())) {
      throw InputError(fmt::format(
          "{}: tensor '{}' has shape {} in the weights but {} in the model (the sizes of config.json, or of the "
          "preset and size params, and the weights disagree)",
          checkpoint.source, name, shape_text(found->second.sizes()), shape_text(target.sizes())));
    }
  }
  if (!missing.empty()) {
    const std::vector<std::string> shown(missing.begin(), missing.begin() + std::min<std::ptrdiff_t>(5, missing.size()));
    throw InputError(fmt::format("{}: {} tensor(s) of the model are missing: {}{} (weights of another architecture, "
                                 "or a truncated file?)",
                                 checkpoint.source, missing.size(), fmt::join(shown, ", "),
                                 missing.size() > shown.size() ? fmt::format(" and {} more", missing.size() - shown.size())
                                                               : std::string()));
  }
  StateDictLoadOptions options;
  options.source = checkpoint.source;
  options.skip = skip;
  load_state_dict(network, checkpoint.tensors, options);  // reports tensors the model does not have
}

}  // namespace graft::bert
