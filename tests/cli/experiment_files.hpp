#pragma once
// Experiment files for the end-to-end tests: a tiny, learnable IDX task that trains in seconds.
#include <filesystem>
#include <fstream>
#include <string>

#include "support/idx_writer.hpp"

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

}  // namespace graft::testing
