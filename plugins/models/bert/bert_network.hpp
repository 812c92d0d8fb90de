#pragma once
// BERT as Hugging Face's transformers builds it (models/bert/modeling_bert.py), as LibTorch
// modules registered under the same names, so that a BertForSequenceClassification state dict
// loads by name: bert.embeddings.word_embeddings, bert.encoder.layer.N.attention.self.query, ...,
// bert.pooler.dense, classifier. Dropout acts in training mode only.
#include <cstdint>
#include <memory>
#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/dropout.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>

#include "bert_config.hpp"

namespace graft::bert {

// What BertModel computes for a batch (as transformers names it).
struct BertOutputs {
  at::Tensor embedding_output;   // [N, L, H]: embeddings after LayerNorm (and dropout)
  at::Tensor last_hidden_state;  // [N, L, H]
  at::Tensor pooler_output;      // [N, H]: tanh(dense(last_hidden_state[:, 0]))
};

// HF's extended attention mask: 0 where `mask` [N, L] is 1, the lowest value of `dtype` where it
// is 0; shaped [N, 1, 1, L] to add to attention scores.
at::Tensor additive_attention_mask(const at::Tensor& mask, at::ScalarType dtype);

struct Embeddings : torch::nn::Module {
  explicit Embeddings(const BertConfig& config);
  at::Tensor forward(const at::Tensor& input_ids, const at::Tensor& token_type_ids);

  torch::nn::Embedding word_embeddings{nullptr}, position_embeddings{nullptr}, token_type_embeddings{nullptr};
  torch::nn::LayerNorm layer_norm{nullptr};  // "LayerNorm"
  torch::nn::Dropout dropout{nullptr};
};

struct SelfAttention : torch::nn::Module {
  explicit SelfAttention(const BertConfig& config);
  at::Tensor forward(const at::Tensor& hidden, const at::Tensor& additive_mask);

  torch::nn::Linear query{nullptr}, key{nullptr}, value{nullptr};
  torch::nn::Dropout dropout{nullptr};
  std::int64_t heads;
};

// dense, dropout, then LayerNorm of the sum with the residual: BertSelfOutput and BertOutput.
struct ResidualOutput : torch::nn::Module {
  ResidualOutput(const BertConfig& config, std::int64_t in_features);
  at::Tensor forward(const at::Tensor& hidden, const at::Tensor& residual);

  torch::nn::Linear dense{nullptr};
  torch::nn::LayerNorm layer_norm{nullptr};  // "LayerNorm"
  torch::nn::Dropout dropout{nullptr};
};

struct Attention : torch::nn::Module {
  explicit Attention(const BertConfig& config);
  at::Tensor forward(const at::Tensor& hidden, const at::Tensor& additive_mask);

  std::shared_ptr<SelfAttention> self;
  std::shared_ptr<ResidualOutput> output;
};

enum class Activation { Gelu, GeluTanh, Relu };

struct Intermediate : torch::nn::Module {
  explicit Intermediate(const BertConfig& config);
  at::Tensor forward(const at::Tensor& hidden);

  torch::nn::Linear dense{nullptr};
  Activation activation;
};

struct Layer : torch::nn::Module {
  explicit Layer(const BertConfig& config);
  at::Tensor forward(const at::Tensor& hidden, const at::Tensor& additive_mask);

  std::shared_ptr<Attention> attention;
  std::shared_ptr<Intermediate> intermediate;
  std::shared_ptr<ResidualOutput> output;
};

struct Encoder : torch::nn::Module {
  explicit Encoder(const BertConfig& config);
  at::Tensor forward(at::Tensor hidden, const at::Tensor& additive_mask);

  torch::nn::ModuleList layer{nullptr};
  std::vector<std::shared_ptr<Layer>> layers;  // the same modules, typed
};

struct Pooler : torch::nn::Module {
  explicit Pooler(const BertConfig& config);
  at::Tensor forward(const at::Tensor& last_hidden_state);

  torch::nn::Linear dense{nullptr};
};

// transformers' BertModel: embeddings, encoder, pooler.
struct BertModel : torch::nn::Module {
  explicit BertModel(const BertConfig& config);
  // input_ids int64 [N, L]; token_type_ids (zeros when undefined) and attention_mask (ones when
  // undefined) of the same shape. Throws InputError when L exceeds max_position_embeddings.
  BertOutputs forward(const at::Tensor& input_ids, const at::Tensor& token_type_ids, const at::Tensor& attention_mask);

  std::shared_ptr<Embeddings> embeddings;
  std::shared_ptr<Encoder> encoder;
  std::shared_ptr<Pooler> pooler;
  std::int64_t max_positions;
};

// transformers' BertForSequenceClassification: `bert`, then dropout and `classifier` on the
// pooler output.
struct SequenceClassifier : torch::nn::Module {
  SequenceClassifier(const BertConfig& config, std::int64_t num_labels);

  at::Tensor head(const at::Tensor& pooler_output);  // dropout, classifier

  std::shared_ptr<BertModel> bert;
  torch::nn::Dropout dropout{nullptr};
  torch::nn::Linear classifier{nullptr};
};

// HF's _init_weights on `module` and its submodules: Linear and Embedding weights normal(0,
// initializer_range), Linear biases 0, an Embedding's padding row 0, LayerNorm 1 and 0. Draws from
// torch's global generator, in registration order.
void initialise(torch::nn::Module& module, double initializer_range);

}  // namespace graft::bert
