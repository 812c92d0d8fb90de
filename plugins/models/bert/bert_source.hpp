#pragma once
// Where a bert model comes from, decided from its params before anything is built: a Hugging
// Face folder (config.json, weights, tokenizer files), a .safetensors state dict (sizes from
// preset and size params, vocabulary from `tokenizer`), or nothing (a new model from a preset).
#include <filesystem>
#include <optional>
#include <string>

#include "bert_config.hpp"
#include "graft/params.hpp"
#include "graft/tokenizer.hpp"

namespace graft::bert {

enum class WeightsKind { None, Folder, File };

struct Source {
  WeightsKind kind = WeightsKind::None;
  std::filesystem::path pretrained;  // the folder or file, when kind != None
  BertConfig config;                 // sizes, dropouts (params' overrides applied), labels
  std::string config_origin;         // "config.json of DIR" or "preset base": for messages
  std::filesystem::path tokenizer_folder;
  WordPieceTokenizer tokenizer;
};

// Reads config.json (or the preset and size params: 0 or "" = the preset's), the dropout
// overrides (negative = the config's) and the tokenizer. Throws InputError with the param to fix.
Source resolve_source(const Params& params);

}  // namespace graft::bert
