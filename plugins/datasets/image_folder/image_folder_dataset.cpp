// Dataset `image_folder`: PNG and JPEG files in one folder per class, laid out as torchvision's
// ImageFolder reads them (root/<class>/..., or root/train/<class>/... with optional root/val/ and
// root/test/). Files are listed and probed at construction; get() decodes one file on the calling
// loader thread, so memory holds names, not pixels.
#include <algorithm>

#include "graft/dataset.hpp"
#include "graft/errors.hpp"
#include "graft/image_io.hpp"
#include "graft/log.hpp"
#include "graft/splits.hpp"
#include "image_tree.hpp"
#include "unreadable_images.hpp"

namespace {

using graft::image_folder::LabelledFiles;

// The held-out test images of the flat layout are drawn with this seed, not the trial's: every run
// of an experiment (repeats, sweeps) is then measured on the same images, as with a dataset that
// ships its own test folder. The validation split still follows the trial's seed.
constexpr std::uint64_t kTestSplitSeed = 0x7e57;

constexpr std::size_t kProblemsShown = 3;

graft::image_folder::OnCorrupt on_corrupt(const graft::Params& params) {
  return params.get_string("on_corrupt") == "skip" ? graft::image_folder::OnCorrupt::Skip
                                                   : graft::image_folder::OnCorrupt::Error;
}

// The files of `source` at `split`'s positions, keeping their source labels.
LabelledFiles pick(const LabelledFiles& source, const graft::SplitIndex& split) {
  LabelledFiles picked;
  picked.folder = source.folder;
  for (auto item : split.items) picked.add(source.files[item], source.labels[item]);
  return picked;
}

struct TrainAndTest {
  LabelledFiles train, test;
};

// The flat layout's seeded, per-class hold-out: make_splits' validation hold-out is exactly that,
// so it draws the test share here with every class kept and nothing capped.
TrainAndTest hold_out_test(const LabelledFiles& all, std::int64_t num_classes, double test_fraction) {
  graft::SubsetOptions options;
  options.validation_fraction = test_fraction;
  const auto split = graft::make_splits(all.labels, {}, num_classes, options, kTestSplitSeed);
  return {pick(all, split.train), pick(all, split.validation)};
}

class ImageFolderDataset : public graft::Dataset {
 public:
  static graft::ParamSchema schema() {
    graft::ParamSchema schema = {
        graft::required_param("root", graft::ParamType::String,
                              "folder of class folders: root/<class>/<image>, or root/train/<class>/<image> with "
                              "optional root/val/ and root/test/ alike"),
        graft::string_list_param("extensions", {"jpg", "jpeg", "png"},
                                 "file extensions read as images (case-insensitive); other files are ignored"),
        graft::string_param("on_corrupt", "error",
                            "a file that is not a readable image: 'error' stops, 'skip' leaves it out and logs it")
            .one_of({"error", "skip"}),
        graft::float_param("test_fraction", 0.2,
                           "root/<class>/ layout only: share of each class held out as the test split (fixed "
                           "seed, the same in every run)")
            .between(0, 0.9),
    };
    for (auto& spec : graft::subset_schema()) schema.push_back(spec);
    return schema;
  }

  ImageFolderDataset(const graft::Params& params, const graft::PluginContext& context) {
    const std::filesystem::path root = params.get_string("root");
    const auto extensions = graft::image_folder::normalise_extensions(params.get_string_list("extensions"), context);
    auto tree = graft::image_folder::list_image_tree(root, extensions, context);
    if (tree.ignored_files > 0) {
      graft::log::info("image_folder: ignored {} files without an image extension in {}", tree.ignored_files,
                       root.string());
    }
    drop_unreadable_files(tree, on_corrupt(params), context);

    const auto num_classes = static_cast<std::int64_t>(tree.classes.size());
    if (tree.split_layout) {
      train_ = std::move(tree.train);
      if (tree.test) test_ = std::move(*tree.test);
    } else {
      auto held_out = hold_out_test(tree.train, num_classes, params.get_float("test_fraction"));
      train_ = std::move(held_out.train);
      test_ = std::move(held_out.test);
    }

    auto options = graft::SubsetOptions::from(params);
    if (tree.validation) options.validation_fraction = 0;  // root/val/ is the validation split
    splits_ = graft::make_splits(train_.labels, test_.labels, num_classes, options, context.seed);
    if (tree.validation) {
      validation_ = std::move(tree.validation);
      splits_.validation = chosen_classes(validation_->labels, num_classes, options, context.seed);
    }
    names_ = graft::class_names_of(splits_, tree.classes, num_classes);
    graft::log::info("image_folder: {} classes, {} train / {} validation{} / {} test images from {}", names_.size(),
                     splits_.train.size(), splits_.validation.size(), tree.validation ? " (val/)" : "",
                     splits_.test.size(), root.string());
  }

  std::vector<std::string> class_names() const override { return names_; }

  std::size_t size(graft::Split split) const override { return splits_.of(split).size(); }

  graft::Example get(graft::Split split, std::size_t position) const override {
    const auto& chosen = splits_.of(split);
    graft::Example example;
    example.image = graft::read_image(source_of(split).files.at(chosen.items.at(position)));
    example.label = chosen.labels[position];
    return example;
  }

 private:
  // Probes every file of every split; with 'skip', one warning for the whole dataset.
  static void drop_unreadable_files(graft::image_folder::ImageTree& tree, graft::image_folder::OnCorrupt policy,
                                    const graft::PluginContext& context) {
    std::vector<std::string> problems;
    const auto drop = [&](LabelledFiles& split) {
      for (auto& problem : graft::image_folder::drop_unreadable(split, tree.classes, policy, context)) {
        problems.push_back(std::move(problem));
      }
    };
    drop(tree.train);
    if (tree.validation) drop(*tree.validation);
    if (tree.test) drop(*tree.test);
    if (problems.empty()) return;
    const auto shown = std::min(problems.size(), kProblemsShown);
    const std::vector<std::string> first(problems.begin(), problems.begin() + static_cast<std::ptrdiff_t>(shown));
    const auto more = problems.size() > shown ? fmt::format("; and {} more", problems.size() - shown) : std::string();
    graft::log::warn("image_folder: skipped {} unreadable files (on_corrupt = \"skip\"): {}{}", problems.size(),
                     fmt::join(first, "; "), more);
  }

  // The validation folder's images of the chosen classes, relabelled as the other splits are:
  // make_splits with nothing held out or capped does exactly that selection.
  static graft::SplitIndex chosen_classes(const std::vector<std::int64_t>& labels, std::int64_t num_classes,
                                          const graft::SubsetOptions& options, std::uint64_t seed) {
    graft::SubsetOptions classes_only;
    classes_only.classes = options.classes;
    classes_only.class_groups = options.class_groups;  // labelled as the other splits
    classes_only.validation_fraction = 0;
    return graft::make_splits(labels, {}, num_classes, classes_only, seed).train;
  }

  const LabelledFiles& source_of(graft::Split split) const {
    switch (split) {
      case graft::Split::Test: return test_;
      case graft::Split::Validation: return validation_ ? *validation_ : train_;
      case graft::Split::Train: break;
    }
    return train_;
  }

  LabelledFiles train_, test_;
  std::optional<LabelledFiles> validation_;  // root/val/; without it, validation items are train_'s
  graft::Splits splits_;
  std::vector<std::string> names_;
};

}  // namespace

GRAFT_PLUGIN(graft::describe<ImageFolderDataset>("image_folder", "1.0.0",
                                                 "PNG and JPEG images in one folder per class (torchvision ImageFolder layout)"))
