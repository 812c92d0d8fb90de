#pragma once
// tests/data/hf: Hugging Face BERT folders and what transformers computed for 15 inputs
// (reference.json), read once per test binary.
#include <torch/torch.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace graft::testing {

inline std::filesystem::path hf_folder(const std::string& name) {
  return std::filesystem::path(GRAFT_HF_FIXTURES) / name;
}
inline std::filesystem::path tiny_folder() { return hf_folder("bert-tiny-uncased"); }
inline std::filesystem::path legacy_folder() { return hf_folder("bert-tiny-uncased-legacy-keys"); }

inline const nlohmann::json& hf_reference(const std::string& name) {
  static std::map<std::string, nlohmann::json> cache;
  auto found = cache.find(name);
  if (found == cache.end()) {
    std::ifstream in(hf_folder(name) / "reference.json");
    if (!in) throw std::runtime_error("cannot read reference.json of " + name);
    found = cache.emplace(name, nlohmann::json::parse(in)).first;
  }
  return found->second;
}
inline const nlohmann::json& tiny_cases() { return hf_reference("bert-tiny-uncased")["cases"]; }
inline const nlohmann::json& legacy_cases() { return hf_reference("bert-tiny-uncased-legacy-keys")["cases"]; }

// A JSON array of numbers (nested for 2-d) as a float64 tensor.
inline at::Tensor tensor_of(const nlohmann::json& values) {
  if (!values.empty() && values.front().is_array()) {
    std::vector<at::Tensor> rows;
    for (const auto& row : values) rows.push_back(tensor_of(row));
    return at::stack(rows);
  }
  return at::tensor(values.get<std::vector<double>>(), at::kDouble);
}

inline at::Tensor ids_of(const nlohmann::json& values) {
  return at::tensor(values.get<std::vector<std::int64_t>>(), at::kLong);
}

inline double max_difference(const at::Tensor& got, const at::Tensor& want) {
  if (!got.sizes().equals(want.sizes())) throw std::runtime_error("shapes differ");
  return (got.to(at::kDouble) - want.to(at::kDouble)).abs().max().item<double>();
}

// The largest difference the parity checks of this process saw (printed by report_worst()).
inline double& worst_difference() {
  static double worst = 0;
  return worst;
}
inline double tracked(double difference) {
  worst_difference() = std::max(worst_difference(), difference);
  return difference;
}
inline void report_worst(const char* what) {
  std::printf("%s: worst difference from transformers %.3g\n", what, worst_difference());
}

}  // namespace graft::testing
