#include "bert_inputs.hpp"

#include <stdexcept>

#include <ATen/ATen.h>

namespace graft::bert {
namespace {

at::Tensor stacked(const std::vector<Encoding>& encodings, const std::vector<std::int64_t> Encoding::*field,
                   std::int64_t length) {
  at::Tensor values = at::empty({static_cast<std::int64_t>(encodings.size()), length}, at::kLong);
  auto* out = values.data_ptr<std::int64_t>();
  for (const auto& encoding : encodings) out = std::copy((encoding.*field).begin(), (encoding.*field).end(), out);
  return values;
}

}  // namespace

Batch batch_of(const std::vector<Encoding>& encodings, const std::vector<std::int64_t>& labels) {
  const std::size_t length = encodings.empty() ? 0 : encodings.front().input_ids.size();
  for (const auto& encoding : encodings) {
    if (encoding.input_ids.size() != length || encoding.token_type_ids.size() != length ||
        encoding.attention_mask.size() != length) {
      throw std::logic_error("bert: encodings of a batch differ in length (not padded)");
    }
  }
  const auto columns = static_cast<std::int64_t>(length);
  Batch batch;
  batch.inputs = stacked(encodings, &Encoding::input_ids, columns);
  batch.extra["attention_mask"] = stacked(encodings, &Encoding::attention_mask, columns);
  batch.extra["token_type_ids"] = stacked(encodings, &Encoding::token_type_ids, columns);
  batch.labels = at::tensor(labels, at::kLong);
  return batch;
}

}  // namespace graft::bert
