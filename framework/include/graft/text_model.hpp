#pragma once
// What a text model offers beyond the Model contract: its tokenizer and the longest input it
// takes. `graft tokenize` and `graft predict --text` find it with dynamic_cast<TextModel*> on
// the model plugin, so any text model a user writes gets those commands by deriving from it too.
#include <cstddef>

#include "graft/export.hpp"
#include "graft/tokenizer.hpp"

namespace graft {

class GRAFT_SDK_API TextModel {
 public:
  virtual ~TextModel();
  // Available right after construction (before build()): read from `pretrained` or params.
  virtual const WordPieceTokenizer& tokenizer() const = 0;
  // Longest encoding collate() produces (the model's max_length param).
  virtual std::size_t max_length() const = 0;
};

}  // namespace graft
