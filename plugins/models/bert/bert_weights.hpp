#pragma once
// Hugging Face BERT checkpoints: finding the weights of a model folder, renaming legacy tensor
// names to the ones SequenceClassifier registers, and loading them.
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include <ATen/core/Tensor.h>

#include "bert_network.hpp"

namespace graft::bert {

struct Checkpoint {
  std::map<std::string, at::Tensor> tensors;  // SequenceClassifier's names: bert.*, classifier.*
  std::string source;                          // "bert.pretrained = DIR/model.safetensors", for errors
};

// The names of BertForSequenceClassification for a checkpoint saved by any BERT class:
// LayerNorm gamma/beta -> weight/bias, a `bert.` prefix added when the encoder's tensors have
// none (BertModel), DataParallel's `module.` dropped; position_ids / token_type_ids buffers and
// pre-training heads (`cls.*`) left out.
std::map<std::string, at::Tensor> to_classifier_names(const std::map<std::string, at::Tensor>& tensors);

// model.safetensors (or the shards of model.safetensors.index.json) of a Hugging Face folder.
// A folder with only pytorch_model.bin (torch's pickle format) is an InputError saying how to
// convert it. `param` starts messages ("bert.pretrained").
Checkpoint read_folder_weights(const std::filesystem::path& folder, const std::string& param);
// A .safetensors file (a graft checkpoint, or a converted state dict).
Checkpoint read_file_weights(const std::filesystem::path& file, const std::string& param);

// Classes of the checkpoint's classification head (rows of classifier.weight), if it has one.
std::optional<std::int64_t> head_classes(const Checkpoint& checkpoint);

// Copies the checkpoint into `network`, every tensor named and shaped as the network's;
// `new_head`: the classifier keeps its own (new) values and the file's, if any, is ignored.
// Throws InputError naming the tensor and the file for a missing, unexpected or misshapen one.
void load_weights(SequenceClassifier& network, const Checkpoint& checkpoint, bool new_head);

}  // namespace graft::bert
