#pragma once
// BertConfig as Hugging Face's config.json spells it, read from a model folder or made from a
// preset of Google's BERT miniatures. No torch here.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace graft::bert {

struct BertConfig {
  std::int64_t vocab_size = 30522;
  std::int64_t hidden_size = 768;
  std::int64_t num_hidden_layers = 12;
  std::int64_t num_attention_heads = 12;
  std::int64_t intermediate_size = 3072;
  std::string hidden_act = "gelu";  // gelu (erf), gelu_new / gelu_pytorch_tanh (tanh approximation), relu
  double hidden_dropout_prob = 0.1;
  double attention_probs_dropout_prob = 0.1;
  std::int64_t max_position_embeddings = 512;
  std::int64_t type_vocab_size = 2;
  double layer_norm_eps = 1e-12;
  double initializer_range = 0.02;
  std::optional<double> classifier_dropout;  // null: hidden_dropout_prob
  std::int64_t pad_token_id = 0;
  // The classification head the config declares: id2label's names in id order (or num_labels
  // numbered names). Empty when the config declares neither.
  std::vector<std::string> labels;

  double head_dropout() const { return classifier_dropout.value_or(hidden_dropout_prob); }
};

// The activations the network implements.
bool is_known_activation(const std::string& name);

// `path` (a config.json). Throws InputError naming the file for bad JSON, a model_type other
// than bert, an unsupported option or inconsistent sizes.
BertConfig read_config(const std::filesystem::path& path);

// Google's BERT miniatures (github.com/google-research/bert): tiny (2 layers, hidden 128),
// mini (4, 256), small (4, 512), medium (8, 512), base (12, 768); heads = hidden / 64,
// intermediate = 4 x hidden. Throws InputError for another name.
BertConfig preset_config(const std::string& preset);
std::vector<std::string> preset_names();

// Throws InputError("<what>: ...") when sizes are inconsistent (hidden_size not a multiple of
// the heads, non-positive sizes, pad id outside the vocabulary, unknown activation).
void check_config(const BertConfig& config, const std::string& what);

}  // namespace graft::bert
