#pragma once
// Tokenizer encodings as the tensors of a batch.
#include <cstdint>
#include <vector>

#include "graft/batch.hpp"
#include "graft/tokenizer.hpp"

namespace graft::bert {

// inputs = input_ids int64 [N, L], extra["attention_mask"] and extra["token_type_ids"] (int64
// [N, L]), labels int64 [N]. The encodings must all have the same length L (padded).
Batch batch_of(const std::vector<Encoding>& encodings, const std::vector<std::int64_t>& labels);

}  // namespace graft::bert
