// Model `bert`: BERT for sequence classification as Hugging Face's transformers runs it
// (BertForSequenceClassification), loaded from a Hugging Face model folder (config.json,
// model.safetensors, vocab.txt) or built from a preset of Google's BERT miniatures. Preprocessing
// is BERT's WordPiece tokenizer (graft::WordPieceTokenizer); its checkpoints keep the Hub's names.
#include <fmt/format.h>
#include <torch/nn/module.h>

#include "bert_inputs.hpp"
#include "bert_network.hpp"
#include "bert_source.hpp"
#include "bert_weights.hpp"
#include "graft/errors.hpp"
#include "graft/hash.hpp"
#include "graft/log.hpp"
#include "graft/model.hpp"
#include "graft/text_model.hpp"

namespace {

namespace bert = graft::bert;

graft::Padding padding_of(const std::string& name) {
  return name == "max_length" ? graft::Padding::MaxLength : graft::Padding::Longest;
}

// What makes two tokenizers encode alike: every token of the vocabulary and every option.
std::string vocabulary_digest(const graft::WordPieceTokenizer& tokenizer) {
  graft::Sha256 hash;
  for (std::size_t id = 0; id < tokenizer.vocabulary_size(); ++id) {
    hash.update(tokenizer.id_to_token(static_cast<std::int64_t>(id)));
    hash.update("\n");
  }
  return hash.hex().substr(0, 16);
}

std::string options_text(const graft::TokenizerOptions& options) {
  return fmt::format("lower={},strip_accents={},chinese={},max_chars={},specials={}|{}|{}|{}|{}",
                     options.do_lower_case ? 1 : 0,
                     options.strip_accents ? (*options.strip_accents ? "1" : "0") : "auto",
                     options.tokenize_chinese_chars ? 1 : 0, options.max_input_chars_per_word, options.unk_token,
                     options.cls_token, options.sep_token, options.pad_token, options.mask_token);
}

constexpr std::int64_t kDefaultMaxLength = 128;

class BertModel : public graft::Model, public graft::TextModel {
 public:
  static graft::ParamSchema schema() {
    using namespace graft;
    return {
        string_param("pretrained", "",
                     "a Hugging Face BERT folder (config.json, model.safetensors, vocab.txt: sizes, weights and "
                     "tokenizer), or a .safetensors state dict such as a graft checkpoint (sizes from preset and the "
                     "size params, vocabulary from tokenizer); \"\" = a new model from preset. See docs/models.md"),
        string_param("pretrained_head", "auto",
                     "the pre-trained classifier: \"auto\" keeps it when its class count is the task's and starts a "
                     "new one otherwise (or when there is none); \"new\" always starts a new head; \"keep\" requires "
                     "it to fit")
            .one_of({"auto", "new", "keep"}),
        string_param("tokenizer", "",
                     "a folder with vocab.txt (and optionally tokenizer_config.json); \"\" = the pretrained folder's. "
                     "Required without a pretrained folder"),
        string_param("preset", "base",
                     "sizes of a model built without a pretrained folder, as Google's BERT miniatures: tiny (2 "
                     "layers, hidden 128, 2 heads), mini (4, 256, 4), small (4, 512, 8), medium (8, 512, 8), base "
                     "(12, 768, 12); intermediate = 4 x hidden")
            .one_of(bert::preset_names()),
        int_param("hidden_size", 0, "without a pretrained folder: hidden size; 0 = the preset's").at_least(0),
        int_param("num_hidden_layers", 0, "without a pretrained folder: encoder layers; 0 = the preset's").at_least(0),
        int_param("num_attention_heads", 0,
                  "without a pretrained folder: attention heads; 0 = the preset's (hidden_size / 64 when "
                  "hidden_size is set)")
            .at_least(0),
        int_param("intermediate_size", 0,
                  "without a pretrained folder: feed-forward size; 0 = the preset's (4 x hidden_size)")
            .at_least(0),
        int_param("max_position_embeddings", 0, "without a pretrained folder: longest input; 0 = 512").at_least(0),
        int_param("type_vocab_size", 0, "without a pretrained folder: token types; 0 = 2").at_least(0),
        string_param("hidden_act", "gelu",
                     "without a pretrained folder: the feed-forward activation, gelu (erf), gelu_new or "
                     "gelu_pytorch_tanh (tanh approximation), relu (a pretrained folder's comes from config.json)")
            .one_of({"gelu", "gelu_new", "gelu_pytorch_tanh", "relu"}),
        float_param("initializer_range", 0,
                    "std of the normal initialisation of new weights (a new head, a new model); 0 = config.json's, "
                    "else 0.02")
            .between(0, 1),
        int_param("max_length", kDefaultMaxLength,
                  "longest encoding in tokens, [CLS] and [SEP] included: longer inputs are truncated (longest "
                  "first for pairs); at most the model's max_position_embeddings (the default becomes it when "
                  "smaller)")
            .at_least(2),
        string_param("padding", "longest",
                     "\"longest\": pad each batch to its longest encoding; \"max_length\": always to max_length")
            .one_of({"longest", "max_length"}),
        float_param("hidden_dropout", -1,
                    "dropout of embeddings and encoder outputs; negative = config.json's hidden_dropout_prob (0.1)")
            .between(-1, 0.99),
        float_param("attention_dropout", -1,
                    "dropout of attention probabilities; negative = config.json's attention_probs_dropout_prob (0.1)")
            .between(-1, 0.99),
        float_param("classifier_dropout", -1,
                    "dropout before the classifier; negative = config.json's classifier_dropout, or "
                    "hidden_dropout_prob when null")
            .between(-1, 0.99),
    };
  }

  BertModel(const graft::Params& params, const graft::PluginContext&)
      : source_(bert::resolve_source(params)),
        pretrained_head_(params.get_string("pretrained_head")),
        max_length_(params.get_int("max_length")),
        padding_name_(params.get_string("padding")),
        padding_(padding_of(padding_name_)) {
    const std::int64_t positions = source_.config.max_position_embeddings;
    if (max_length_ == kDefaultMaxLength && positions < kDefaultMaxLength) {
      graft::log::debug("bert: max_length = {} (the model's max_position_embeddings) instead of the default {}",
                       positions, kDefaultMaxLength);
      max_length_ = positions;
    }
    if (max_length_ > positions) {
      throw graft::InputError(fmt::format("bert.max_length = {} is more than the model's max_position_embeddings "
                                          "({}, {})",
                                          max_length_, source_.config.max_position_embeddings,
                                          source_.config_origin));
    }
    key_ = fmt::format("bert:vocab={}:{},{},max_length={},padding={}", source_.tokenizer.vocabulary_size(),
                       vocabulary_digest(source_.tokenizer), options_text(source_.tokenizer.options()), max_length_,
                       padding_name_);
  }

  void build(const graft::TaskSpec& task) override {
    std::optional<bert::Checkpoint> checkpoint;
    if (source_.kind == bert::WeightsKind::Folder) {
      checkpoint = bert::read_folder_weights(source_.pretrained, "bert.pretrained");
    } else if (source_.kind == bert::WeightsKind::File) {
      checkpoint = bert::read_file_weights(source_.pretrained, "bert.pretrained");
    }
    const auto file_classes = checkpoint ? bert::head_classes(*checkpoint) : std::nullopt;
    const std::int64_t classes = class_count(task, checkpoint.has_value(), file_classes);
    const bool new_head = decide_new_head(checkpoint, file_classes, classes);

    network_ = std::make_shared<bert::SequenceClassifier>(source_.config, classes);
    if (!checkpoint) {
      bert::initialise(*network_, source_.config.initializer_range);
      graft::log::info("bert: new model ({}; {} layers, hidden {}, {} heads, vocabulary {}), {} classes",
                       source_.config_origin, source_.config.num_hidden_layers, source_.config.hidden_size,
                       source_.config.num_attention_heads, source_.config.vocab_size, classes);
      return;
    }
    if (new_head) bert::initialise(*network_->classifier, source_.config.initializer_range);
    bert::load_weights(*network_, *checkpoint, new_head);
  }

  torch::nn::Module& module() override {
    if (!network_) throw std::logic_error("bert: module() before build()");
    return *network_;
  }

  graft::Batch collate(const std::vector<graft::Example>& examples, const graft::CollateOptions&) const override {
    std::vector<graft::Encoding> encodings;
    std::vector<std::int64_t> labels;
    encodings.reserve(examples.size());
    labels.reserve(examples.size());
    for (std::size_t position = 0; position < examples.size(); ++position) {
      const auto& example = examples[position];
      if (example.text.empty() && example.text_pair.empty() && example.image.defined()) {
        throw graft::InputError(fmt::format(
            "bert: example {} of the batch has an image and no text: bert reads the text of examples (a text "
            "dataset)",
            position));
      }
      const auto pair = example.text_pair.empty() ? std::nullopt : std::optional<std::string_view>(example.text_pair);
      encodings.push_back(source_.tokenizer.encode(example.text, pair, static_cast<std::size_t>(max_length_)));
      labels.push_back(example.label);
    }
    source_.tokenizer.pad(encodings, padding_, static_cast<std::size_t>(max_length_));
    return bert::batch_of(encodings, labels);
  }

  std::string preprocessing_key(graft::Mode) const override { return key_; }

  at::Tensor features(const graft::Batch& batch) override {
    return net().bert->forward(batch.inputs, extra(batch, "token_type_ids"), extra(batch, "attention_mask"))
        .pooler_output;
  }

  at::Tensor head(const at::Tensor& features) override { return net().head(features); }

  // The pooler is the last group of the backbone: features() include it, so a frozen backbone
  // (and the feature cache) covers exactly what head() does not compute.
  std::vector<graft::LayerGroup> layer_groups() override {
    auto& network = net();
    std::vector<graft::LayerGroup> groups;
    groups.push_back({"embeddings", {network.bert->embeddings}});
    for (std::size_t index = 0; index < network.bert->encoder->layers.size(); ++index) {
      groups.push_back({fmt::format("layer{}", index), {network.bert->encoder->layers[index]}});
    }
    groups.push_back({"pooler", {network.bert->pooler}});
    groups.push_back({"head", {network.dropout.ptr(), network.classifier.ptr()}});
    return groups;
  }

  const graft::WordPieceTokenizer& tokenizer() const override { return source_.tokenizer; }
  std::size_t max_length() const override { return static_cast<std::size_t>(max_length_); }

 private:
  bert::SequenceClassifier& net() {
    if (!network_) throw std::logic_error("bert: used before build()");
    return *network_;
  }

  static at::Tensor extra(const graft::Batch& batch, const std::string& name) {
    const auto found = batch.extra.find(name);
    return found == batch.extra.end() ? at::Tensor() : found->second;
  }

  // The task's classes; without any, the pre-trained head's, else the config's labels.
  std::int64_t class_count(const graft::TaskSpec& task, bool pretrained, std::optional<std::int64_t> file_classes) const {
    if (task.num_classes() > 0) return static_cast<std::int64_t>(task.num_classes());
    if (file_classes) return *file_classes;
    if (!source_.config.labels.empty()) return static_cast<std::int64_t>(source_.config.labels.size());
    if (pretrained) return 2;  // transformers' default num_labels
    throw graft::InputError(
        "bert: the task names no classes and there are no pretrained weights to count them from: set "
        "bert.pretrained to a folder or state dict with a classifier");
  }

  bool decide_new_head(const std::optional<bert::Checkpoint>& checkpoint, std::optional<std::int64_t> file_classes,
                       std::int64_t classes) const {
    if (!checkpoint) return true;
    const auto& from = checkpoint->source;
    const double init_std = source_.config.initializer_range;
    if (pretrained_head_ == "keep") {
      if (!file_classes || *file_classes != classes) {
        throw graft::InputError(fmt::format(
            "bert.pretrained_head = \"keep\", but {} {} and the task {} classes (use \"auto\" or \"new\")", from,
            file_classes ? fmt::format("has a classifier for {} classes", *file_classes)
                         : std::string("has no classifier"),
            classes));
      }
      return false;
    }
    if (pretrained_head_ == "new") {
      graft::log::info("bert: encoder from {}, new head for {} classes (pretrained_head = \"new\"; normal init, std {})",
                       from, classes, init_std);
      return true;
    }
    if (!file_classes) {
      graft::log::info("bert: {} has no classifier: encoder from it, new head for {} classes (normal init, std {})",
                       from, classes, init_std);
      return true;
    }
    if (*file_classes != classes) {
      graft::log::info("bert: the pre-trained head has {} classes and the task {}: encoder from {}, new head "
                       "(normal init, std {})",
                       *file_classes, classes, from, init_std);
      return true;
    }
    return false;
  }

  bert::Source source_;
  std::string pretrained_head_;
  std::int64_t max_length_;
  std::string padding_name_;
  graft::Padding padding_;
  std::string key_;
  std::shared_ptr<bert::SequenceClassifier> network_;
};

}  // namespace

GRAFT_PLUGIN(graft::describe<BertModel>("bert", "1.0.0",
                                        "BERT for sequence classification: Hugging Face checkpoint folders "
                                        "(config.json, model.safetensors, vocab.txt) or a preset"))
