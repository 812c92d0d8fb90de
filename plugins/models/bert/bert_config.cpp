#include "bert_config.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <type_traits>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "graft/errors.hpp"

namespace graft::bert {
namespace {

using nlohmann::json;

const std::vector<std::string> kActivations = {"gelu", "gelu_new", "gelu_pytorch_tanh", "relu"};

struct Preset {
  const char* name;
  std::int64_t layers;
  std::int64_t hidden;
};

constexpr Preset kPresets[] = {{"tiny", 2, 128}, {"mini", 4, 256}, {"small", 4, 512}, {"medium", 8, 512},
                               {"base", 12, 768}};

// `key` of `object` when present and not null, read as T; throws naming the file and the key.
template <class T>
std::optional<T> optional_value(const json& object, const char* key, const std::string& file) {
  const auto found = object.find(key);
  if (found == object.end() || found->is_null()) return std::nullopt;
  try {
    if constexpr (std::is_same_v<T, std::int64_t>) {
      if (!found->is_number_integer()) throw std::invalid_argument("not an integer");
    } else if constexpr (std::is_same_v<T, double>) {
      if (!found->is_number()) throw std::invalid_argument("not a number");
    } else if constexpr (std::is_same_v<T, std::string>) {
      if (!found->is_string()) throw std::invalid_argument("not a string");
    }
    return found->get<T>();
  } catch (const std::exception&) {
    throw InputError(fmt::format("{}: \"{}\" has the wrong type: {}", file, key, found->dump()));
  }
}

template <class T>
void read_into(T& field, const json& object, const char* key, const std::string& file) {
  if (auto value = optional_value<T>(object, key, file)) field = *value;
}

std::vector<std::string> labels_of(const json& config, const std::string& file) {
  const auto id2label = config.find("id2label");
  if (id2label != config.end() && id2label->is_object() && !id2label->empty()) {
    std::map<std::int64_t, std::string> by_id;
    for (const auto& [key, value] : id2label->items()) {
      std::size_t used = 0;
      std::int64_t id = -1;
      try {
        id = std::stoll(key, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used != key.size() || id < 0 || !value.is_string()) {
        throw InputError(fmt::format("{}: id2label must map ids \"0\", \"1\", ... to names, got \"{}\": {}", file,
                                     key, value.dump()));
      }
      by_id[id] = value.get<std::string>();
    }
    std::vector<std::string> labels;
    for (const auto& [id, name] : by_id) {
      if (id != static_cast<std::int64_t>(labels.size())) {
        throw InputError(fmt::format("{}: id2label skips id {}", file, labels.size()));
      }
      labels.push_back(name);
    }
    return labels;
  }
  if (auto count = optional_value<std::int64_t>(config, "num_labels", file)) {
    if (*count < 1) throw InputError(fmt::format("{}: num_labels must be at least 1, got {}", file, *count));
    std::vector<std::string> labels;
    for (std::int64_t id = 0; id < *count; ++id) labels.push_back(fmt::format("LABEL_{}", id));
    return labels;
  }
  return {};
}

}  // namespace

bool is_known_activation(const std::string& name) {
  return std::find(kActivations.begin(), kActivations.end(), name) != kActivations.end();
}

void check_config(const BertConfig& config, const std::string& what) {
  const std::pair<const char*, std::int64_t> sizes[] = {
      {"vocab_size", config.vocab_size},
      {"hidden_size", config.hidden_size},
      {"num_hidden_layers", config.num_hidden_layers},
      {"num_attention_heads", config.num_attention_heads},
      {"intermediate_size", config.intermediate_size},
      {"max_position_embeddings", config.max_position_embeddings},
      {"type_vocab_size", config.type_vocab_size}};
  for (const auto& [key, value] : sizes) {
    if (value < 1) throw InputError(fmt::format("{}: {} must be at least 1, got {}", what, key, value));
  }
  if (config.hidden_size % config.num_attention_heads != 0) {
    throw InputError(fmt::format("{}: hidden_size ({}) must be a multiple of num_attention_heads ({})", what,
                                 config.hidden_size, config.num_attention_heads));
  }
  if (!is_known_activation(config.hidden_act)) {
    throw InputError(fmt::format("{}: hidden_act \"{}\" is not supported (one of {})", what, config.hidden_act,
                                 fmt::join(kActivations, ", ")));
  }
  if (config.pad_token_id < 0 || config.pad_token_id >= config.vocab_size) {
    throw InputError(fmt::format("{}: pad_token_id {} is outside the vocabulary of {} tokens", what,
                                 config.pad_token_id, config.vocab_size));
  }
  const std::pair<const char*, double> probabilities[] = {
      {"hidden_dropout_prob", config.hidden_dropout_prob},
      {"attention_probs_dropout_prob", config.attention_probs_dropout_prob},
      {"classifier_dropout", config.head_dropout()}};
  for (const auto& [key, value] : probabilities) {
    if (!(value >= 0 && value < 1)) throw InputError(fmt::format("{}: {} must be in [0, 1), got {}", what, key, value));
  }
  if (!(config.layer_norm_eps > 0)) throw InputError(fmt::format("{}: layer_norm_eps must be positive", what));
  if (!(config.initializer_range >= 0)) throw InputError(fmt::format("{}: initializer_range must be >= 0", what));
}

BertConfig read_config(const std::filesystem::path& path) {
  const std::string file = path.string();
  std::ifstream in(path);
  if (!in) throw InputError(fmt::format("{}: cannot read the file", file));
  json config;
  try {
    config = json::parse(in);
  } catch (const json::exception& error) {
    throw InputError(fmt::format("{}: not valid JSON: {}", file, error.what()));
  }
  if (!config.is_object()) throw InputError(fmt::format("{}: not a JSON object", file));

  if (auto type = optional_value<std::string>(config, "model_type", file); type && *type != "bert") {
    throw InputError(fmt::format("{}: model_type is \"{}\"; the bert plugin reads BERT checkpoints only "
                                 "(model_type \"bert\")",
                                 file, *type));
  }
  if (auto type = optional_value<std::string>(config, "position_embedding_type", file); type && *type != "absolute") {
    throw InputError(fmt::format("{}: position_embedding_type \"{}\" is not supported (only \"absolute\")", file,
                                 *type));
  }
  if (auto decoder = config.find("is_decoder"); decoder != config.end() && decoder->is_boolean() && decoder->get<bool>()) {
    throw InputError(fmt::format("{}: is_decoder = true: the bert plugin runs encoders only", file));
  }

  BertConfig result;
  read_into(result.vocab_size, config, "vocab_size", file);
  read_into(result.hidden_size, config, "hidden_size", file);
  read_into(result.num_hidden_layers, config, "num_hidden_layers", file);
  read_into(result.num_attention_heads, config, "num_attention_heads", file);
  read_into(result.intermediate_size, config, "intermediate_size", file);
  read_into(result.hidden_act, config, "hidden_act", file);
  read_into(result.hidden_dropout_prob, config, "hidden_dropout_prob", file);
  read_into(result.attention_probs_dropout_prob, config, "attention_probs_dropout_prob", file);
  read_into(result.max_position_embeddings, config, "max_position_embeddings", file);
  read_into(result.type_vocab_size, config, "type_vocab_size", file);
  read_into(result.layer_norm_eps, config, "layer_norm_eps", file);
  read_into(result.initializer_range, config, "initializer_range", file);
  read_into(result.pad_token_id, config, "pad_token_id", file);
  result.classifier_dropout = optional_value<double>(config, "classifier_dropout", file);
  result.labels = labels_of(config, file);
  check_config(result, file);
  return result;
}

std::vector<std::string> preset_names() {
  std::vector<std::string> names;
  for (const auto& preset : kPresets) names.emplace_back(preset.name);
  return names;
}

BertConfig preset_config(const std::string& preset) {
  for (const auto& entry : kPresets) {
    if (preset != entry.name) continue;
    BertConfig config;
    config.num_hidden_layers = entry.layers;
    config.hidden_size = entry.hidden;
    config.num_attention_heads = entry.hidden / 64;
    config.intermediate_size = 4 * entry.hidden;
    return config;
  }
  throw InputError(fmt::format("bert.preset must be one of {}, got \"{}\"", fmt::join(preset_names(), ", "), preset));
}

}  // namespace graft::bert
