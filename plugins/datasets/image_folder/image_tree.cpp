#include "image_tree.hpp"

#include <algorithm>
#include <cctype>
#include <iterator>

#include <fmt/format.h>

#include "graft/errors.hpp"
#include "graft/log.hpp"

namespace graft::image_folder {
namespace {

namespace fs = std::filesystem;

const char* const kSplitFolders[] = {"train", "val", "test"};

bool hidden(const fs::path& path) {
  const auto name = path.filename().string();
  return !name.empty() && name[0] == '.';
}

std::string lowercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

bool has_extension(const fs::path& path, const std::vector<std::string>& extensions) {
  const std::string extension = path.extension().string();
  if (extension.empty()) return false;
  return std::find(extensions.begin(), extensions.end(), lowercase(extension.substr(1))) != extensions.end();
}

// Visible sub-folders of `folder`, sorted: the class names (torchvision sorts them the same way).
std::vector<std::string> subfolders(const fs::path& folder) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(folder)) {
    if (entry.is_directory() && !hidden(entry.path())) names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// Image files anywhere under `folder`, sorted so the dataset is the same on every machine
// (directory order is not). Counts the other files in `ignored`.
std::vector<fs::path> images_under(const fs::path& folder, const std::vector<std::string>& extensions,
                                   std::size_t& ignored) {
  std::vector<fs::path> files;
  for (auto it = fs::recursive_directory_iterator(folder); it != fs::recursive_directory_iterator(); ++it) {
    if (hidden(it->path())) {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file()) continue;
    if (has_extension(it->path(), extensions)) {
      files.push_back(it->path());
    } else {
      ++ignored;
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<std::string> missing_from(const std::vector<std::string>& wanted, const std::vector<std::string>& present) {
  std::vector<std::string> missing;
  std::set_difference(wanted.begin(), wanted.end(), present.begin(), present.end(), std::back_inserter(missing));
  return missing;
}

// Every split must have the classes of the training folder, no more and no fewer: labels are
// positions in one sorted list, so a missing class would silently shift every label after it.
void check_same_classes(const fs::path& train, const std::vector<std::string>& classes, const fs::path& other,
                        const std::vector<std::string>& found, const PluginContext& context) {
  const auto missing = missing_from(classes, found);
  const auto extra = missing_from(found, classes);
  if (missing.empty() && extra.empty()) return;
  std::string difference;
  if (!missing.empty()) difference += fmt::format("missing in {}: {}", other.string(), fmt::join(missing, ", "));
  if (!extra.empty()) {
    difference += fmt::format("{}not in {}: {}", missing.empty() ? "" : "; ", train.string(), fmt::join(extra, ", "));
  }
  throw InputError(fmt::format("{}: {} and {} must hold the same class folders ({})", context.param_path("root"),
                               train.string(), other.string(), difference));
}

LabelledFiles list_split(const fs::path& folder, const std::vector<std::string>& classes,
                         const std::vector<std::string>& extensions, std::size_t& ignored,
                         const PluginContext& context) {
  LabelledFiles split;
  split.folder = folder;
  for (std::size_t label = 0; label < classes.size(); ++label) {
    const auto class_folder = folder / classes[label];
    const auto files = images_under(class_folder, extensions, ignored);
    if (files.empty()) {
      throw InputError(fmt::format("{}: {} holds no images ({}); add some, remove the folder, or change {}",
                                   context.param_path("root"), class_folder.string(), describe_extensions(extensions),
                                   context.param_path("extensions")));
    }
    for (const auto& file : files) split.add(file, static_cast<std::int64_t>(label));
  }
  return split;
}

void warn_about_unused_folders(const fs::path& root, const std::vector<std::string>& folders) {
  std::vector<std::string> unused;
  for (const auto& name : folders) {
    if (std::find(std::begin(kSplitFolders), std::end(kSplitFolders), name) == std::end(kSplitFolders)) {
      unused.push_back(name);
    }
  }
  if (!unused.empty()) {
    log::warn("image_folder: {} has train/, so only train/, val/ and test/ are read; ignored: {}", root.string(),
              fmt::join(unused, ", "));
  }
}

}  // namespace

std::vector<std::string> normalise_extensions(const std::vector<std::string>& extensions,
                                              const PluginContext& context) {
  const auto param = context.param_path("extensions");
  if (extensions.empty()) throw InputError(param + ": name at least one, e.g. [\"jpg\", \"png\"]");
  std::vector<std::string> normalised;
  for (const auto& extension : extensions) {
    normalised.push_back(lowercase(!extension.empty() && extension[0] == '.' ? extension.substr(1) : extension));
    if (normalised.back().empty()) throw InputError(param + ": an empty extension; write e.g. \"jpg\"");
  }
  return normalised;
}

std::string describe_extensions(const std::vector<std::string>& extensions) {
  return fmt::format("{}", fmt::join(extensions, ", "));
}

ImageTree list_image_tree(const fs::path& root, const std::vector<std::string>& extensions,
                          const PluginContext& context) {
  const auto root_param = context.param_path("root");
  if (!fs::is_directory(root)) throw InputError(fmt::format("{}: {} is not a folder", root_param, root.string()));
  const auto top = subfolders(root);
  const auto has = [&](const char* name) { return std::find(top.begin(), top.end(), name) != top.end(); };
  ImageTree tree;
  tree.split_layout = has("train");
  if (!tree.split_layout && (has("val") || has("test"))) {
    // Read as the flat layout, "val" and "test" would become classes: surely not what was meant.
    throw InputError(fmt::format("{}: {} has val/ or test/ but no train/ folder; the split layout is "
                                 "root/train/<class>/<image> (with optional root/val/ and root/test/)",
                                 root_param, root.string()));
  }
  const auto train_folder = tree.split_layout ? root / "train" : root;
  tree.classes = subfolders(train_folder);
  if (tree.classes.empty()) {
    throw InputError(fmt::format("{}: {} has no class folders; expected {}/<class>/<image> or "
                                 "{}/train/<class>/<image>",
                                 root_param, train_folder.string(), root.string(), root.string()));
  }
  tree.train = list_split(train_folder, tree.classes, extensions, tree.ignored_files, context);
  if (!tree.split_layout) return tree;

  warn_about_unused_folders(root, top);
  const auto optional_split = [&](const char* name) -> std::optional<LabelledFiles> {
    if (!has(name)) return std::nullopt;
    check_same_classes(train_folder, tree.classes, root / name, subfolders(root / name), context);
    return list_split(root / name, tree.classes, extensions, tree.ignored_files, context);
  };
  tree.validation = optional_split("val");
  tree.test = optional_split("test");
  return tree;
}

}  // namespace graft::image_folder
