#pragma once
// Experiment files for the end-to-end tests: a tiny, learnable IDX task that trains in seconds.
#include <filesystem>
#include <fstream>
#include <string>

#include "support/idx_writer.hpp"
#include "support/run_graft.hpp"

namespace graft::testing {

// Writes data/ (3 classes of 8x8 images) and experiment.toml into `folder`; `extra` is appended.
inline std::filesystem::path write_tiny_experiment(const std::filesystem::path& folder, const std::string& extra = "") {
  write_idx_dataset(folder / "data", {/*classes=*/3, /*train_per_class=*/40, /*test_per_class=*/10});
  const auto file = folder / "experiment.toml";
  std::ofstream(file) << "[experiment]\n"
                         "name = \"tiny\"\n"
                         "seed = 5\n"
                         "\n"
                         "[model]\n"
                         "plugin = \"small_cnn\"\n"
                         "channels = 4\n"
                         "hidden = 16\n"
                         "image_size = 8\n"
                         "\n"
                         "[dataset]\n"
                         "plugin = \"idx\"\n"
                         "path = \"" << (folder / "data").string() << "\"\n"
                      << "validation_fraction = 0.25\n"
                         "\n"
                         "[train]\n"
                         "epochs = 3\n"
                         "batch_size = 8\n"
                         "lr = 0.01\n"
                         "threads = 1\n"
                         "log_every_steps = 5\n"
                      << extra;
  return file;
}

// A [tasks.coarse] table for write_tiny_experiment's data: its 3 classes grouped into 2, from the
// same IDX files; `settings` are appended to the table.
inline std::string coarse_task_table(const std::filesystem::path& folder, const std::string& settings = "") {
  return "\n[tasks.coarse]\nplugin = \"idx\"\npath = \"" + (folder / "data").string() +
         "\"\nvalidation_fraction = 0.25\nclass_groups = [0, 1, 1]\ngroup_names = [\"first\", \"rest\"]\n" + settings;
}

// A resnet small enough to train in seconds on the tiny 8x8 IDX task (upsampled to 16 px).
inline constexpr const char* kTinyResnet = R"(
[model]
plugin = "resnet"
depth = 18
stem = "small"
in_channels = 1
image_size = 16
resize_size = 16
augment = false
mean = [0.5]
std = [0.25]
)";

// write_tiny_experiment's file with its [model] table replaced by `model` and `name` as the name.
inline std::filesystem::path write_experiment(const std::filesystem::path& folder, const std::string& file_name,
                                       const std::string& name, const std::string& model, const std::string& extra) {
  const auto tiny = write_tiny_experiment(folder, extra);
  std::string text = read_text(tiny);
  const auto model_start = text.find("[model]");
  const auto model_end = text.find("[dataset]");
  text.replace(model_start, model_end - model_start, model.substr(1) + "\n");
  text.replace(text.find("name = \"tiny\""), 13, "name = \"" + name + "\"");
  const auto file = folder / file_name;
  std::ofstream(file) << text;
  return file;
}

}  // namespace graft::testing
