#pragma once
// The files of an image-folder dataset, as torchvision's ImageFolder lays them out: one folder per
// class, either directly under the root (root/<class>/...) or under split folders
// (root/train/<class>/..., optional root/val/<class>/... and root/test/<class>/...).
// Only lists names: no file is opened here. No torch.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "graft/plugin.hpp"

namespace graft::image_folder {

// Image files of one split folder, sorted by class then path, each with its class's index.
struct LabelledFiles {
  std::filesystem::path folder;  // the folder holding the class folders
  std::vector<std::filesystem::path> files;
  std::vector<std::int64_t> labels;  // index into ImageTree::classes

  std::size_t size() const { return files.size(); }
  void add(std::filesystem::path file, std::int64_t label) {
    files.push_back(std::move(file));
    labels.push_back(label);
  }
};

struct ImageTree {
  bool split_layout = false;                // root/train/<class>/... rather than root/<class>/...
  std::vector<std::string> classes;         // class folder names, sorted (byte order)
  LabelledFiles train;                      // root/train, or every image in the flat layout
  std::optional<LabelledFiles> validation;  // root/val
  std::optional<LabelledFiles> test;        // root/test
  std::size_t ignored_files = 0;            // files in class folders without an image extension
};

// `extensions`: as normalise_extensions returns them; file names match case-insensitively.
// Class folders are searched recursively; names starting with '.' (hidden files, macOS
// "._x.jpg" companions) are skipped. Throws InputError ("<table>.root: ...", the table `context`
// names) for a root that is not a folder, no class folders, splits whose class folders differ, and
// a class folder without images.
ImageTree list_image_tree(const std::filesystem::path& root, const std::vector<std::string>& extensions,
                          const PluginContext& context);

// The `extensions` param as list_image_tree takes it: lowercase, without a leading dot. Throws
// InputError ("<table>.extensions: ...") for an empty list or an empty entry.
std::vector<std::string> normalise_extensions(const std::vector<std::string>& extensions, const PluginContext& context);

// "jpg, jpeg, png": how messages name the extensions searched.
std::string describe_extensions(const std::vector<std::string>& extensions);

}  // namespace graft::image_folder
