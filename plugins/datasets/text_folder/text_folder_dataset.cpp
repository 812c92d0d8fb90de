// Dataset `text_folder`: one UTF-8 text file per example, in one folder per class, laid out as
// image_folder's images are: root/<class>/..., or root/train/<class>/... with optional root/val/
// and root/test/. Every file is read in the constructor (texts are small).
#include <algorithm>
#include <iterator>
#include <optional>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "../common/text_dataset.hpp"
#include "../common/text_files.hpp"
#include "graft/errors.hpp"
#include "graft/log.hpp"

namespace {

namespace fs = std::filesystem;
namespace td = graft::text_datasets;

const char* const kSplitFolders[] = {"train", "val", "test"};

struct Reader {
  std::vector<std::string> extensions;
  std::size_t ignored_files = 0;

  // The texts of one split folder, class by class, files sorted by path.
  td::TextSplit read_split(const fs::path& folder, const std::vector<std::string>& classes,
                           const graft::PluginContext& context) {
    const auto root_param = context.param_path("root");
    td::TextSplit split;
    for (std::size_t label = 0; label < classes.size(); ++label) {
      const auto class_folder = folder / classes[label];
      const auto files = td::files_under(class_folder, extensions, /*recursive=*/true, ignored_files);
      if (files.empty()) {
        throw graft::InputError(fmt::format("{}: {} holds no text files ({}); add some, remove the folder, or "
                                            "change {}",
                                            root_param, class_folder.string(), fmt::join(extensions, ", "),
                                            context.param_path("extensions")));
      }
      for (const auto& file : files) {
        auto text = td::read_file(file, root_param);
        td::strip_bom(text);
        td::check_utf8(text, file);
        split.add(std::move(text), "", static_cast<std::int64_t>(label));
      }
    }
    return split;
  }
};

std::vector<std::string> missing_from(const std::vector<std::string>& wanted, const std::vector<std::string>& present) {
  std::vector<std::string> missing;
  std::set_difference(wanted.begin(), wanted.end(), present.begin(), present.end(), std::back_inserter(missing));
  return missing;
}

// Every split must have the training folder's classes, no more and no fewer: labels are positions
// in one sorted list, so a missing class would silently shift every label after it.
void check_same_classes(const fs::path& train, const std::vector<std::string>& classes, const fs::path& other,
                        const graft::PluginContext& context) {
  const auto found = td::subfolders(other);
  const auto missing = missing_from(classes, found);
  const auto extra = missing_from(found, classes);
  if (missing.empty() && extra.empty()) return;
  std::string difference;
  if (!missing.empty()) difference += fmt::format("missing in {}: {}", other.string(), fmt::join(missing, ", "));
  if (!extra.empty()) {
    difference += fmt::format("{}not in {}: {}", missing.empty() ? "" : "; ", train.string(), fmt::join(extra, ", "));
  }
  throw graft::InputError(fmt::format("{}: {} and {} must hold the same class folders ({})",
                                      context.param_path("root"), train.string(), other.string(), difference));
}

class TextFolderDataset : public td::TextDataset {
 public:
  static graft::ParamSchema schema() {
    graft::ParamSchema schema = {
        graft::required_param("root", graft::ParamType::String,
                              "folder of class folders: root/<class>/<file>, or root/train/<class>/<file> with "
                              "optional root/val/ and root/test/ alike; one UTF-8 text per file"),
        graft::string_list_param("extensions", {"txt"},
                                 "file extensions read as texts (case-insensitive); other files are ignored"),
        td::test_fraction_param("root/<class>/ layout only"),
    };
    for (auto& spec : graft::subset_schema()) schema.push_back(spec);
    return schema;
  }

  TextFolderDataset(const graft::Params& params, const graft::PluginContext& context) {
    const fs::path root = params.get_string("root");
    Reader reader;
    reader.extensions = td::normalise_extensions(params.get_string_list("extensions"),
                                                 context.param_path("extensions"), "[\"txt\", \"md\"]");
    const auto root_param = context.param_path("root");
    if (!fs::is_directory(root)) {
      throw graft::InputError(fmt::format("{}: {} is not a folder", root_param, root.string()));
    }
    const auto top = td::subfolders(root);
    const auto has = [&](const char* name) { return std::find(top.begin(), top.end(), name) != top.end(); };
    const bool split_layout = has("train");
    if (!split_layout && (has("val") || has("test"))) {
      // Read as the flat layout, "val" and "test" would become classes: surely not what was meant.
      throw graft::InputError(fmt::format("{}: {} has val/ or test/ but no train/ folder; the split layout is "
                                          "root/train/<class>/<file> (with optional root/val/ and root/test/)",
                                          root_param, root.string()));
    }
    const auto train_folder = split_layout ? root / "train" : root;
    td::TextData data;
    data.class_names = td::subfolders(train_folder);
    if (data.class_names.empty()) {
      throw graft::InputError(fmt::format("{}: {} has no class folders; expected {}/<class>/<file> or "
                                          "{}/train/<class>/<file>",
                                          root_param, train_folder.string(), root.string(), root.string()));
    }
    data.num_classes = static_cast<std::int64_t>(data.class_names.size());
    data.train = reader.read_split(train_folder, data.class_names, context);
    if (split_layout) {
      warn_about_unused_folders(root, top);
      for (const char* name : {"val", "test"}) {
        if (!has(name)) continue;
        check_same_classes(train_folder, data.class_names, root / name, context);
        auto split = reader.read_split(root / name, data.class_names, context);
        if (std::string(name) == "val") {
          data.validation = std::move(split);
        } else {
          data.test = std::move(split);
        }
      }
    } else {
      data.test = td::hold_out_test(data.train, data.num_classes, params.get_float("test_fraction"));
    }
    if (reader.ignored_files > 0) {
      graft::log::info("text_folder: ignored {} files without a text extension ({}) in {}", reader.ignored_files,
                       fmt::join(reader.extensions, ", "), root.string());
    }
    load(std::move(data), params, context.seed, "text_folder", root.string());
  }

 private:
  static void warn_about_unused_folders(const fs::path& root, const std::vector<std::string>& folders) {
    std::vector<std::string> unused;
    for (const auto& name : folders) {
      if (std::find(std::begin(kSplitFolders), std::end(kSplitFolders), name) == std::end(kSplitFolders)) {
        unused.push_back(name);
      }
    }
    if (!unused.empty()) {
      graft::log::warn("text_folder: {} has train/, so only train/, val/ and test/ are read; ignored: {}",
                       root.string(), fmt::join(unused, ", "));
    }
  }
};

}  // namespace

GRAFT_PLUGIN(graft::describe<TextFolderDataset>("text_folder", "1.0.0",
                                                "UTF-8 text files in one folder per class (ImageFolder layout)"))
