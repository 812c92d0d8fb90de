// State dicts by PyTorch's names, and strict loading with errors a person can act on.
#include <vector>

#include <ATen/ATen.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <torch/torch.h>

#include "graft/errors.hpp"
#include "graft/state_dict.hpp"

namespace graft {
namespace {

constexpr const char* kDataParallelPrefix = "module.";
constexpr std::size_t kNamesListed = 5;

bool starts_with(const std::string& text, const std::string& prefix) { return text.rfind(prefix, 0) == 0; }

std::string shape_text(const at::Tensor& tensor) { return fmt::format("[{}]", fmt::join(tensor.sizes(), ", ")); }

// "a, b, c, d, e and 3 more"
std::string name_list(const std::vector<std::string>& names) {
  std::vector<std::string> shown(names.begin(),
                                 names.begin() + static_cast<std::ptrdiff_t>(std::min(names.size(), kNamesListed)));
  std::string text = fmt::format("{}", fmt::join(shown, ", "));
  if (names.size() > kNamesListed) text += fmt::format(" and {} more", names.size() - kNamesListed);
  return text;
}

bool skipped(const StateDictLoadOptions& options, const std::string& name) {
  return options.skip && options.skip(name);
}

// Missing and unexpected names, reported together: a file of another architecture usually has both.
void check_names(const std::map<std::string, at::Tensor>& wanted, const std::map<std::string, at::Tensor>& given,
                 const StateDictLoadOptions& options) {
  std::vector<std::string> missing;
  std::vector<std::string> unexpected;
  for (const auto& entry : wanted) {
    if (!skipped(options, entry.first) && given.count(entry.first) == 0) missing.push_back(entry.first);
  }
  for (const auto& entry : given) {
    if (!skipped(options, entry.first) && wanted.count(entry.first) == 0) unexpected.push_back(entry.first);
  }
  if (missing.empty() && unexpected.empty()) return;
  std::vector<std::string> problems;
  if (!missing.empty())
    problems.push_back(fmt::format("{} tensor(s) of the model are missing: {}", missing.size(), name_list(missing)));
  if (!unexpected.empty()) {
    problems.push_back(fmt::format("{} tensor(s) are not in the model: {}", unexpected.size(), name_list(unexpected)));
  }
  throw InputError(fmt::format("{}: {} (are these weights for this architecture, with the same depth and options?)",
                               options.source, fmt::join(problems, "; ")));
}

}  // namespace

std::map<std::string, at::Tensor> state_dict(const torch::nn::Module& module) {
  std::map<std::string, at::Tensor> tensors;
  for (const auto& item : module.named_parameters(/*recurse=*/true)) tensors.emplace(item.key(), item.value().detach());
  for (const auto& item : module.named_buffers(/*recurse=*/true)) tensors.emplace(item.key(), item.value().detach());
  return tensors;
}

std::map<std::string, at::Tensor> without_data_parallel_prefix(const std::map<std::string, at::Tensor>& tensors) {
  const std::string prefix = kDataParallelPrefix;
  for (const auto& entry : tensors) {
    if (!starts_with(entry.first, prefix)) return tensors;
  }
  std::map<std::string, at::Tensor> renamed;
  for (const auto& [name, tensor] : tensors) renamed.emplace(name.substr(prefix.size()), tensor);
  return renamed;
}

void load_state_dict(torch::nn::Module& module, const std::map<std::string, at::Tensor>& tensors,
                     const StateDictLoadOptions& options) {
  const auto targets = state_dict(module);
  const auto given = without_data_parallel_prefix(tensors);
  check_names(targets, given, options);

  // Every tensor is checked and converted before the first copy, so a bad file changes nothing.
  std::vector<std::pair<at::Tensor, at::Tensor>> copies;  // (target, source)
  for (const auto& [name, target] : targets) {
    if (skipped(options, name)) continue;
    at::Tensor source = given.at(name);
    if (options.transform) source = options.transform(name, source);
    if (!source.sizes().equals(target.sizes())) {
      throw InputError(
          fmt::format("{}: tensor '{}' has shape {} in the weights but {} in the model (weights made "
                      "for other options of the architecture: depth, input channels...?)",
                      options.source, name, shape_text(source), shape_text(target)));
    }
    copies.emplace_back(target, source.to(target.scalar_type()));
  }
  torch::NoGradGuard no_grad;
  for (auto& [target, source] : copies) target.copy_(source);
}

}  // namespace graft
