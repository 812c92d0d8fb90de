#include "engine/training_state.hpp"

#include <mutex>

#include <ATen/CPUGeneratorImpl.h>
#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>
#include <torch/torch.h>

#include "graft/errors.hpp"

namespace graft::engine {
namespace {

at::Tensor int_tensor(std::int64_t value) { return torch::tensor({value}, torch::kInt64); }

std::int64_t read_int(torch::serialize::InputArchive& archive, const char* key) {
  at::Tensor value;
  archive.read(key, value);
  return value.item<std::int64_t>();
}

at::Tensor read_tensor(torch::serialize::InputArchive& archive, const char* key) {
  at::Tensor value;
  archive.read(key, value);
  return value;
}

std::vector<double> to_vector(const at::Tensor& values) {
  const at::Tensor flat = values.to(torch::kFloat64).contiguous();
  return std::vector<double>(flat.data_ptr<double>(), flat.data_ptr<double>() + flat.numel());
}

// Optional values as [present, value] pairs of doubles.
at::Tensor optional_tensor(const std::optional<double>& value) {
  return torch::tensor({value ? 1.0 : 0.0, value.value_or(0.0)}, torch::kFloat64);
}

std::optional<double> read_optional(torch::serialize::InputArchive& archive, const char* key) {
  const auto pair = to_vector(read_tensor(archive, key));
  if (pair.size() != 2 || pair[0] == 0.0) return std::nullopt;
  return pair[1];
}

}  // namespace


void save_training_state(const std::filesystem::path& path, const TrainingState& state,
                         const torch::nn::Module& model, torch::optim::Optimizer& optimizer,
                         const torch::nn::Module* task_heads) {
  torch::serialize::OutputArchive archive;
  archive.write("epochs_done", int_tensor(state.epochs_done));
  archive.write("step", int_tensor(state.step));
  archive.write("skipped_batches", int_tensor(state.skipped_batches));
  archive.write("stopped_early", int_tensor(state.stopped_early ? 1 : 0));
  archive.write("metric_history", torch::tensor(state.metric_history, torch::kFloat64));
  archive.write("best_monitored", optional_tensor(state.best_monitored));
  archive.write("best_epoch", int_tensor(state.best_epoch.value_or(-1)));
  std::string names;
  std::vector<double> values;
  for (const auto& [key, value] : state.best_measured) {
    names += key + "\n";
    values.push_back(value);
  }
  archive.write("best_measured_keys", c10::IValue(names));
  archive.write("best_measured_values", torch::tensor(values, torch::kFloat64));
  archive.write("early_stopping_best", optional_tensor(state.early_stopping.best));
  archive.write("early_stopping_best_epoch", int_tensor(state.early_stopping.best_epoch));
  archive.write("early_stopping_waited", int_tensor(state.early_stopping.epochs_without_improvement));
  {
    const at::Generator& generator = at::detail::getDefaultCPUGenerator();
    archive.write("rng", generator.get_state());
  }
  torch::serialize::OutputArchive model_archive, optimizer_archive;
  model.save(model_archive);
  optimizer.save(optimizer_archive);
  archive.write("model", model_archive);
  archive.write("optimizer", optimizer_archive);
  if (task_heads) {
    torch::serialize::OutputArchive heads_archive;
    task_heads->save(heads_archive);
    archive.write("task_heads", heads_archive);
  }

  std::filesystem::create_directories(path.parent_path());
  const auto temporary = std::filesystem::path(path).concat(".tmp");
  archive.save_to(temporary.string());
  std::filesystem::rename(temporary, path);
}

std::int64_t training_state_step(const std::filesystem::path& path) {
  try {
    torch::serialize::InputArchive archive;
    archive.load_from(path.string());
    return read_int(archive, "step");
  } catch (const c10::Error& error) {
    throw InputError("cannot read the training state " + path.string() + ": " + error.what_without_backtrace());
  }
}

TrainingState load_training_state(const std::filesystem::path& path, torch::nn::Module& model,
                                  torch::optim::Optimizer& optimizer, torch::nn::Module* task_heads) {
  if (!std::filesystem::exists(path)) throw InputError("no training state at " + path.string());
  try {
    torch::serialize::InputArchive archive;
    archive.load_from(path.string());
    TrainingState state;
    state.epochs_done = read_int(archive, "epochs_done");
    state.step = read_int(archive, "step");
    state.skipped_batches = read_int(archive, "skipped_batches");
    state.stopped_early = read_int(archive, "stopped_early") != 0;
    state.metric_history = to_vector(read_tensor(archive, "metric_history"));
    state.best_monitored = read_optional(archive, "best_monitored");
    if (const auto epoch = read_int(archive, "best_epoch"); epoch >= 0) state.best_epoch = epoch;
    c10::IValue names;
    archive.read("best_measured_keys", names);
    const auto values = to_vector(read_tensor(archive, "best_measured_values"));
    std::size_t index = 0, begin = 0;
    const std::string& text = names.toStringRef();
    for (auto end = text.find('\n'); end != std::string::npos && index < values.size(); end = text.find('\n', begin)) {
      state.best_measured[text.substr(begin, end - begin)] = values[index++];
      begin = end + 1;
    }
    state.early_stopping.best = read_optional(archive, "early_stopping_best");
    state.early_stopping.best_epoch = read_int(archive, "early_stopping_best_epoch");
    state.early_stopping.epochs_without_improvement = read_int(archive, "early_stopping_waited");
    torch::serialize::InputArchive model_archive, optimizer_archive;
    archive.read("model", model_archive);
    archive.read("optimizer", optimizer_archive);
    model.load(model_archive);
    optimizer.load(optimizer_archive);
    if (task_heads) {
      torch::serialize::InputArchive heads_archive;
      archive.read("task_heads", heads_archive);
      task_heads->load(heads_archive);
    }
    at::Generator generator = at::detail::getDefaultCPUGenerator();  // a handle on the global generator
    std::lock_guard<std::mutex> lock(generator.mutex());
    generator.set_state(read_tensor(archive, "rng"));
    return state;
  } catch (const c10::Error& error) {
    throw InputError("cannot read the training state " + path.string() + ": " + error.what_without_backtrace());
  }
}

}  // namespace graft::engine
