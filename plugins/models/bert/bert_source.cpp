#include "bert_source.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "graft/errors.hpp"

namespace graft::bert {
namespace {

namespace fs = std::filesystem;

// Size params: 0 means "the preset's" (or the config.json's for a folder, where they must stay 0).
const char* const kSizeParams[] = {"hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size",
                                   "max_position_embeddings", "type_vocab_size"};

std::int64_t* size_field(BertConfig& config, const std::string& key) {
  if (key == "hidden_size") return &config.hidden_size;
  if (key == "num_hidden_layers") return &config.num_hidden_layers;
  if (key == "num_attention_heads") return &config.num_attention_heads;
  if (key == "intermediate_size") return &config.intermediate_size;
  if (key == "max_position_embeddings") return &config.max_position_embeddings;
  return &config.type_vocab_size;
}

WeightsKind kind_of(const std::string& pretrained) {
  if (pretrained.empty()) return WeightsKind::None;
  if (fs::is_directory(pretrained)) return WeightsKind::Folder;
  if (fs::is_regular_file(pretrained)) return WeightsKind::File;
  throw InputError(fmt::format(
      "bert.pretrained: {} is neither a folder (a Hugging Face BERT folder: config.json, vocab.txt, "
      "model.safetensors) nor a .safetensors file",
      pretrained));
}

BertConfig config_from_params(const Params& params, std::string& origin) {
  BertConfig config = preset_config(params.get_string("preset"));
  origin = fmt::format("preset \"{}\"", params.get_string("preset"));
  const std::int64_t hidden = params.get_int("hidden_size");
  for (const char* key : kSizeParams) {
    if (const auto value = params.get_int(key); value > 0) {
      *size_field(config, key) = value;
      origin += fmt::format(", {} = {}", key, value);
    }
  }
  // A hidden size without heads or intermediate size: the miniatures' proportions.
  if (hidden > 0 && params.get_int("num_attention_heads") == 0) config.num_attention_heads = std::max<std::int64_t>(1, hidden / 64);
  if (hidden > 0 && params.get_int("intermediate_size") == 0) config.intermediate_size = 4 * hidden;
  config.hidden_act = params.get_string("hidden_act");
  if (params.get_float("initializer_range") > 0) config.initializer_range = params.get_float("initializer_range");
  return config;
}

BertConfig config_from_folder(const fs::path& folder, const Params& params) {
  for (const char* key : kSizeParams) {
    if (params.get_int(key) != 0) {
      throw InputError(fmt::format("bert.{} is for models built from a preset: with pretrained = {} the sizes come "
                                   "from its config.json (leave {} at 0)",
                                   key, folder.string(), key));
    }
  }
  if (params.get_string("hidden_act") != "gelu") {
    throw InputError(fmt::format("bert.hidden_act is for models built from a preset: with pretrained = {} it comes "
                                 "from its config.json",
                                 folder.string()));
  }
  const fs::path file = folder / "config.json";
  if (!fs::is_regular_file(file)) {
    throw InputError(fmt::format(
        "bert.pretrained = {}: no config.json in the folder (a Hugging Face BERT folder holds config.json, vocab.txt "
        "and model.safetensors; see docs/models.md, BERT)",
        folder.string()));
  }
  BertConfig config = read_config(file);
  if (params.get_float("initializer_range") > 0) config.initializer_range = params.get_float("initializer_range");
  return config;
}

void apply_dropouts(BertConfig& config, const Params& params) {
  if (const double p = params.get_float("hidden_dropout"); p >= 0) config.hidden_dropout_prob = p;
  if (const double p = params.get_float("attention_dropout"); p >= 0) config.attention_probs_dropout_prob = p;
  if (const double p = params.get_float("classifier_dropout"); p >= 0) config.classifier_dropout = p;
}

}  // namespace

Source resolve_source(const Params& params) {
  const std::string pretrained = params.get_string("pretrained");
  const WeightsKind kind = kind_of(pretrained);

  std::string origin;
  BertConfig config = kind == WeightsKind::Folder ? config_from_folder(pretrained, params)
                                                  : config_from_params(params, origin);
  if (kind == WeightsKind::Folder) origin = fmt::format("config.json of {}", pretrained);

  fs::path tokenizer_folder = params.get_string("tokenizer");
  if (tokenizer_folder.empty()) {
    if (kind != WeightsKind::Folder) {
      throw InputError(
          kind == WeightsKind::File
              ? fmt::format("bert.tokenizer: set it to a folder with vocab.txt (pretrained = {} is a state dict, "
                            "without a vocabulary)",
                            pretrained)
              : std::string("bert.tokenizer: set it to a folder with vocab.txt (a model built from a preset takes "
                            "its vocabulary from it), or set bert.pretrained to a Hugging Face BERT folder"));
    }
    tokenizer_folder = pretrained;
  } else if (!fs::is_directory(tokenizer_folder)) {
    throw InputError(fmt::format("bert.tokenizer: {} is not a folder (one with vocab.txt and optionally "
                                 "tokenizer_config.json)",
                                 tokenizer_folder.string()));
  }
  WordPieceTokenizer tokenizer = WordPieceTokenizer::from_folder(tokenizer_folder);

  const auto vocabulary = static_cast<std::int64_t>(tokenizer.vocabulary_size());
  if (kind == WeightsKind::Folder) {
    if (vocabulary > config.vocab_size) {
      throw InputError(fmt::format("bert.tokenizer: the vocabulary of {} has {} tokens, more than the model's "
                                   "vocab_size ({}, {})",
                                   tokenizer_folder.string(), vocabulary, config.vocab_size, origin));
    }
  } else {
    config.vocab_size = vocabulary;
    config.pad_token_id = tokenizer.pad_id();
  }
  apply_dropouts(config, params);
  check_config(config, fmt::format("bert ({})", origin));
  return Source{kind, pretrained, std::move(config), std::move(origin), std::move(tokenizer_folder),
                std::move(tokenizer)};
}

}  // namespace graft::bert
