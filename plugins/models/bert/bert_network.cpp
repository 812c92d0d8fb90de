#include "bert_network.hpp"

#include <cmath>
#include <limits>

#include <ATen/ATen.h>
#include <ATen/Dispatch.h>
#include <fmt/format.h>
#include <torch/nn/init.h>
#include <torch/utils.h>

#include "graft/errors.hpp"

namespace graft::bert {
namespace {

namespace nn = torch::nn;

nn::LayerNorm layer_norm_of(const BertConfig& config) {
  return nn::LayerNorm(nn::LayerNormOptions({config.hidden_size}).eps(config.layer_norm_eps));
}

Activation activation_of(const std::string& name) {
  if (name == "gelu") return Activation::Gelu;
  if (name == "gelu_new" || name == "gelu_pytorch_tanh") return Activation::GeluTanh;
  if (name == "relu") return Activation::Relu;
  throw InputError(fmt::format("bert: hidden_act \"{}\" is not supported", name));
}

// transformers' NewGELUActivation (gelu_new): the tanh approximation.
at::Tensor gelu_tanh(const at::Tensor& x) {
  const double k = std::sqrt(2.0 / M_PI);
  return 0.5 * x * (1.0 + at::tanh(k * (x + 0.044715 * at::pow(x, 3.0))));
}

}  // namespace

at::Tensor additive_attention_mask(const at::Tensor& mask, at::ScalarType dtype) {
  double lowest = 0;
  AT_DISPATCH_FLOATING_TYPES_AND2(at::kHalf, at::kBFloat16, dtype, "additive_attention_mask", [&] {
    lowest = static_cast<double>(std::numeric_limits<scalar_t>::lowest());
  });
  const at::Tensor inverted = 1.0 - mask.to(dtype);
  return (inverted * lowest).unsqueeze(1).unsqueeze(2);
}

Embeddings::Embeddings(const BertConfig& config) {
  word_embeddings = register_module(
      "word_embeddings",
      nn::Embedding(nn::EmbeddingOptions(config.vocab_size, config.hidden_size).padding_idx(config.pad_token_id)));
  position_embeddings =
      register_module("position_embeddings", nn::Embedding(config.max_position_embeddings, config.hidden_size));
  token_type_embeddings =
      register_module("token_type_embeddings", nn::Embedding(config.type_vocab_size, config.hidden_size));
  layer_norm = register_module("LayerNorm", layer_norm_of(config));
  dropout = register_module("dropout", nn::Dropout(config.hidden_dropout_prob));
}

at::Tensor Embeddings::forward(const at::Tensor& input_ids, const at::Tensor& token_type_ids) {
  const auto length = input_ids.size(1);
  const at::Tensor positions = at::arange(length, input_ids.options().dtype(at::kLong)).unsqueeze(0);
  at::Tensor embeddings = word_embeddings->forward(input_ids) + token_type_embeddings->forward(token_type_ids);
  embeddings = embeddings + position_embeddings->forward(positions);
  return dropout->forward(layer_norm->forward(embeddings));
}

SelfAttention::SelfAttention(const BertConfig& config) : heads(config.num_attention_heads) {
  query = register_module("query", nn::Linear(config.hidden_size, config.hidden_size));
  key = register_module("key", nn::Linear(config.hidden_size, config.hidden_size));
  value = register_module("value", nn::Linear(config.hidden_size, config.hidden_size));
  dropout = register_module("dropout", nn::Dropout(config.attention_probs_dropout_prob));
}

at::Tensor SelfAttention::forward(const at::Tensor& hidden, const at::Tensor& additive_mask) {
  const auto batch = hidden.size(0), length = hidden.size(1), width = hidden.size(2);
  const auto head_size = width / heads;
  // [N, L, H] -> [N, heads, L, head_size]
  auto split = [&](const at::Tensor& x) { return x.view({batch, length, heads, head_size}).transpose(1, 2); };
  const at::Tensor q = split(query->forward(hidden));
  const at::Tensor k = split(key->forward(hidden));
  const at::Tensor v = split(value->forward(hidden));
  at::Tensor scores = at::matmul(q, k.transpose(-1, -2)) / std::sqrt(static_cast<double>(head_size));
  if (additive_mask.defined()) scores = scores + additive_mask;
  const at::Tensor probabilities = dropout->forward(at::softmax(scores, -1));
  return at::matmul(probabilities, v).transpose(1, 2).contiguous().view({batch, length, width});
}

ResidualOutput::ResidualOutput(const BertConfig& config, std::int64_t in_features) {
  dense = register_module("dense", nn::Linear(in_features, config.hidden_size));
  layer_norm = register_module("LayerNorm", layer_norm_of(config));
  dropout = register_module("dropout", nn::Dropout(config.hidden_dropout_prob));
}

at::Tensor ResidualOutput::forward(const at::Tensor& hidden, const at::Tensor& residual) {
  return layer_norm->forward(dropout->forward(dense->forward(hidden)) + residual);
}

Attention::Attention(const BertConfig& config) {
  self = register_module("self", std::make_shared<SelfAttention>(config));
  output = register_module("output", std::make_shared<ResidualOutput>(config, config.hidden_size));
}

at::Tensor Attention::forward(const at::Tensor& hidden, const at::Tensor& additive_mask) {
  return output->forward(self->forward(hidden, additive_mask), hidden);
}

Intermediate::Intermediate(const BertConfig& config) : activation(activation_of(config.hidden_act)) {
  dense = register_module("dense", nn::Linear(config.hidden_size, config.intermediate_size));
}

at::Tensor Intermediate::forward(const at::Tensor& hidden) {
  const at::Tensor x = dense->forward(hidden);
  switch (activation) {
    case Activation::Gelu:
      return at::gelu(x);
    case Activation::GeluTanh:
      return gelu_tanh(x);
    case Activation::Relu:
      return at::relu(x);
  }
  return x;
}

Layer::Layer(const BertConfig& config) {
  attention = register_module("attention", std::make_shared<Attention>(config));
  intermediate = register_module("intermediate", std::make_shared<Intermediate>(config));
  output = register_module("output", std::make_shared<ResidualOutput>(config, config.intermediate_size));
}

at::Tensor Layer::forward(const at::Tensor& hidden, const at::Tensor& additive_mask) {
  const at::Tensor attended = attention->forward(hidden, additive_mask);
  return output->forward(intermediate->forward(attended), attended);
}

Encoder::Encoder(const BertConfig& config) {
  layer = register_module("layer", nn::ModuleList());
  for (std::int64_t index = 0; index < config.num_hidden_layers; ++index) {
    layers.push_back(std::make_shared<Layer>(config));
    layer->push_back(layers.back());
  }
}

at::Tensor Encoder::forward(at::Tensor hidden, const at::Tensor& additive_mask) {
  for (const auto& block : layers) hidden = block->forward(hidden, additive_mask);
  return hidden;
}

Pooler::Pooler(const BertConfig& config) {
  dense = register_module("dense", nn::Linear(config.hidden_size, config.hidden_size));
}

at::Tensor Pooler::forward(const at::Tensor& last_hidden_state) {
  return at::tanh(dense->forward(last_hidden_state.select(1, 0)));
}

BertModel::BertModel(const BertConfig& config) : max_positions(config.max_position_embeddings) {
  embeddings = register_module("embeddings", std::make_shared<Embeddings>(config));
  encoder = register_module("encoder", std::make_shared<Encoder>(config));
  pooler = register_module("pooler", std::make_shared<Pooler>(config));
}

BertOutputs BertModel::forward(const at::Tensor& input_ids, const at::Tensor& token_type_ids,
                               const at::Tensor& attention_mask) {
  if (input_ids.dim() != 2) {
    throw InputError(fmt::format("bert: input_ids must be [batch, length], got {} dimension(s)", input_ids.dim()));
  }
  if (input_ids.size(1) > max_positions) {
    throw InputError(fmt::format("bert: inputs of {} tokens, longer than max_position_embeddings ({})",
                                 input_ids.size(1), max_positions));
  }
  const at::Tensor types = token_type_ids.defined() ? token_type_ids : at::zeros_like(input_ids);
  BertOutputs outputs;
  outputs.embedding_output = embeddings->forward(input_ids, types);
  const at::Tensor mask = attention_mask.defined()
                              ? additive_attention_mask(attention_mask, outputs.embedding_output.scalar_type())
                              : at::Tensor();
  outputs.last_hidden_state = encoder->forward(outputs.embedding_output, mask);
  outputs.pooler_output = pooler->forward(outputs.last_hidden_state);
  return outputs;
}

SequenceClassifier::SequenceClassifier(const BertConfig& config, std::int64_t num_labels) {
  bert = register_module("bert", std::make_shared<BertModel>(config));
  dropout = register_module("dropout", nn::Dropout(config.head_dropout()));
  classifier = register_module("classifier", nn::Linear(config.hidden_size, num_labels));
}

at::Tensor SequenceClassifier::head(const at::Tensor& pooler_output) {
  return classifier->forward(dropout->forward(pooler_output));
}

void initialise(torch::nn::Module& module, double initializer_range) {
  torch::NoGradGuard no_grad;
  auto initialise_one = [initializer_range](torch::nn::Module& one) {
    if (auto* linear = one.as<nn::Linear>()) {
      nn::init::normal_(linear->weight, 0.0, initializer_range);
      if (linear->bias.defined()) nn::init::zeros_(linear->bias);
    } else if (auto* embedding = one.as<nn::Embedding>()) {
      nn::init::normal_(embedding->weight, 0.0, initializer_range);
      if (const auto& padding = embedding->options.padding_idx()) embedding->weight[*padding].zero_();
    } else if (auto* norm = one.as<nn::LayerNorm>()) {
      nn::init::ones_(norm->weight);
      nn::init::zeros_(norm->bias);
    }
  };
  initialise_one(module);
  for (const auto& child : module.modules(/*include_self=*/false)) initialise_one(*child);
}

}  // namespace graft::bert
