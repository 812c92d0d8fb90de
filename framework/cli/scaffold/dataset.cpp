// `graft new plugin --kind dataset`: labelled rows of numbers in CSV files.
#include "cli/scaffold/scaffold.hpp"

namespace graft::cli::scaffold {
namespace {

const char* const kSource = R"cpp(// Dataset `@name@`: rows of numbers in CSV files. `path` is a folder holding train.csv and
// test.csv; each line is `label,x1,x2,...` with labels 0..k-1 (blank lines and lines starting
// with '#' are skipped). An example's tensor is the row's numbers as floats, shaped by `shape`.
#include <torch/torch.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "graft/dataset.hpp"
#include "graft/errors.hpp"
#include "graft/log.hpp"
#include "graft/splits.hpp"

namespace {

struct Rows {
  torch::Tensor numbers;  // float32 [rows, columns]
  std::vector<std::int64_t> labels;
};

// One CSV file. Every error names the file and line, so the user can fix it.
Rows read_csv(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw graft::InputError("dataset.path: cannot read " + file.string());
  std::vector<float> numbers;
  Rows rows;
  std::size_t columns = 0;
  std::string line;
  for (int line_number = 1; std::getline(in, line); ++line_number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line.front() == '#') continue;
    const std::string where = file.string() + ":" + std::to_string(line_number) + ": ";
    std::vector<double> fields;
    std::stringstream stream(line);
    for (std::string field; std::getline(stream, field, ',');) {
      std::size_t used = 0;
      try {
        fields.push_back(std::stod(field, &used));
      } catch (const std::exception&) {
        used = 0;
      }
      if (used == 0 || field.find_first_not_of(" \t", used) != std::string::npos)
        throw graft::InputError(where + "'" + field + "' is not a number");
    }
    if (fields.size() < 2) throw graft::InputError(where + "expected a label and at least one number");
    if (columns == 0) columns = fields.size() - 1;
    if (fields.size() - 1 != columns) {
      throw graft::InputError(where + std::to_string(fields.size() - 1) + " numbers after the label, earlier rows have " +
                              std::to_string(columns));
    }
    if (fields[0] < 0 || fields[0] != static_cast<double>(static_cast<std::int64_t>(fields[0])))
      throw graft::InputError(where + "the label must be a whole number >= 0");
    rows.labels.push_back(static_cast<std::int64_t>(fields[0]));
    numbers.insert(numbers.end(), fields.begin() + 1, fields.end());
  }
  if (rows.labels.empty()) throw graft::InputError("dataset.path: " + file.string() + " has no rows");
  rows.numbers = torch::tensor(numbers).reshape({static_cast<std::int64_t>(rows.labels.size()),
                                                 static_cast<std::int64_t>(columns)});
  return rows;
}

class @Class@ : public graft::Dataset {
 public:
  // The params, declared once: graft validates experiment files, `graft plugins describe` and
  // the docs from this. subset_schema() adds classes, train_per_class, test_per_class and
  // validation_fraction, the same on every dataset.
  static graft::ParamSchema schema() {
    graft::ParamSchema schema = {
        graft::required_param("path", graft::ParamType::String, "folder holding train.csv and test.csv"),
        graft::int_list_param("shape", {}, "shape of each example's tensor, e.g. [1, 8, 8] for an image model; "
                                           "[] = the row's numbers as a vector").at_least(1),
        graft::string_list_param("class_names", {}, "names of labels 0..k-1; [] = the label numbers"),
    };
    for (auto& spec : graft::subset_schema()) schema.push_back(spec);
    return schema;
  }

  // Everything is read here: afterwards size() and get() only read.
  @Class@(const graft::Params& params, const graft::PluginContext& context) {
    const std::filesystem::path folder = params.get_string("path");
    if (!std::filesystem::is_directory(folder))
      throw graft::InputError("dataset.path: " + folder.string() + " is not a folder");
    train_ = read_csv(folder / "train.csv");
    test_ = read_csv(folder / "test.csv");
    const std::int64_t columns = train_.numbers.size(1);
    if (test_.numbers.size(1) != columns) {
      throw graft::InputError("dataset.path: test.csv rows have " + std::to_string(test_.numbers.size(1)) +
                              " numbers, train.csv rows " + std::to_string(columns));
    }
    const auto shape = params.get_int_list("shape");
    shape_ = shape.empty() ? std::vector<std::int64_t>{columns} : shape;
    std::int64_t elements = 1;
    for (auto size : shape_) elements *= size;
    if (elements != columns) {
      throw graft::InputError("dataset.shape: holds " + std::to_string(elements) + " numbers, the rows have " +
                              std::to_string(columns));
    }

    std::int64_t num_classes = 0;
    for (const auto* labels : {&train_.labels, &test_.labels})
      for (auto label : *labels) num_classes = std::max(num_classes, label + 1);
    splits_ = graft::make_splits(train_.labels, test_.labels, num_classes, graft::SubsetOptions::from(params),
                                 context.seed);
    names_ = graft::class_names_of(splits_, params.get_string_list("class_names"), num_classes);
    graft::log::info("@name@: {} classes, {} train / {} validation / {} test rows from {}", names_.size(),
                     splits_.train.size(), splits_.validation.size(), splits_.test.size(), folder.string());
  }

  std::vector<std::string> class_names() const override { return names_; }

  std::size_t size(graft::Split split) const override { return splits_.of(split).size(); }

  // Called from several loader threads at once: only reads. The tensor is returned as stored;
  // preprocessing (scaling, normalising) is the model's job.
  graft::Example get(graft::Split split, std::size_t position) const override {
    const graft::SplitIndex& chosen = splits_.of(split);
    const Rows& rows = split == graft::Split::Test ? test_ : train_;
    graft::Example example;
    example.image = rows.numbers[static_cast<std::int64_t>(chosen.items.at(position))].reshape(shape_);
    example.label = chosen.labels[position];
    return example;
  }

 private:

  Rows train_, test_;
  std::vector<std::int64_t> shape_;
  graft::Splits splits_;
  std::vector<std::string> names_;
};

}  // namespace

GRAFT_PLUGIN(graft::describe<@Class@>("@name@", "0.1.0", "labelled rows of numbers in CSV files"))
)cpp";

const char* const kTest = R"cpp(// Unit test of the dataset `@name@`: reading, splits, shapes, and errors that name file and line.
#include "@name@.cpp"  // the plugin itself: its class is private to that file

#include <unistd.h>

#include "check.hpp"

namespace {

// A fresh folder `label` with train.csv and test.csv holding `train` and `test`.
std::filesystem::path write_data(const std::string& label, const std::string& train, const std::string& test) {
  const auto folder =
      std::filesystem::temp_directory_path() / ("@name@-test-" + label + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(folder);
  std::filesystem::create_directories(folder);
  std::ofstream(folder / "train.csv") << train;
  std::ofstream(folder / "test.csv") << test;
  return folder;
}

graft::Params params_for(const std::filesystem::path& folder) {
  graft::Params params = graft::Params::defaults(@Class@::schema());
  params.set("path", folder.string());
  params.set("shape", std::vector<std::int64_t>{2, 2});
  params.set("validation_fraction", 0.25);
  return params;
}

}  // namespace

int main() {
  const std::string train = "# label, four numbers\n0,1,2,3,4\n1,5,6,7,8\n0,1,2,3,5\n1,5,6,7,9\n"
                            "0,1,2,3,6\n1,5,6,7,10\n0,1,2,3,7\n1,5,6,7,11\n";
  const auto folder = write_data("good", train, "0,1,1,1,1\n\n1,9,9,9,9\n");
  const @Class@ dataset(params_for(folder), graft::PluginContext{});

  EXPECT(dataset.class_names() == std::vector<std::string>({"0", "1"}));
  EXPECT(dataset.size(graft::Split::Train) == 6);  // a quarter of each class held out
  EXPECT(dataset.size(graft::Split::Validation) == 2);
  EXPECT(dataset.size(graft::Split::Test) == 2);
  for (std::size_t i = 0; i < dataset.size(graft::Split::Test); ++i) {
    const graft::Example example = dataset.get(graft::Split::Test, i);
    EXPECT(example.image.sizes() == torch::IntArrayRef({2, 2}));
    EXPECT(example.image.scalar_type() == torch::kFloat32);
    EXPECT(example.image[0][0].item<float>() == (example.label == 0 ? 1.0f : 9.0f));
  }

  // What the user can fix is an InputError naming what to fix.
  const auto bad = write_data("bad", "0,1,2,3,4\n1,5,x,7,8\n", "0,1,1,1,1\n");
  std::string message;
  try {
    @Class@ broken(params_for(bad), graft::PluginContext{});
  } catch (const graft::InputError& error) {
    message = error.what();
  }
  EXPECT(message.find("train.csv:2: 'x' is not a number") != std::string::npos);
  std::filesystem::remove_all(bad);
  graft::Params wrong_shape = params_for(folder);
  wrong_shape.set("shape", std::vector<std::int64_t>{3, 3});
  EXPECT_THROWS_AS(@Class@(wrong_shape, graft::PluginContext{}), graft::InputError);
  std::filesystem::remove_all(folder);

  graft_test::check_manifest("@name@", graft::PluginKind::Dataset);
  return graft_test::finish();
}
)cpp";

const char* const kTables = R"toml(
[dataset]
plugin = "@name@"  # this project's plugin
path = "data"                 # train.csv and test.csv; relative to the folder graft runs in
shape = [1, 8, 8]             # each row is an 8x8 image: what small_cnn takes
validation_fraction = 0.25
)toml";

}  // namespace

const KindTemplate& dataset_template() {
  static const std::string tables = std::string(kSmallCnnTable) + kTables;
  static const KindTemplate parts{
      "A dataset plugin: labelled rows of numbers in CSV files (train.csv, test.csv), each row an\n"
      "example's tensor of the shape the experiment asks for.",
      kSource, kTest, tables.c_str(),
      "- Load everything in the constructor; after it returns, `size()` and `get()` are called from\n"
      "  several loader threads at once and must not change shared state.\n"
      "- Return data as stored or decoded: preprocessing (resizing, scaling, normalising) belongs to\n"
      "  the model's `collate()`.\n"
      "- Splits and subsets come from `graft::subset_schema()` and `graft::make_splits()`, seeded by\n"
      "  `PluginContext::seed`, so every dataset offers the same `classes`, `train_per_class`,\n"
      "  `test_per_class` and `validation_fraction`.",
      SampleData::Csv};
  return parts;
}

}  // namespace graft::cli::scaffold
