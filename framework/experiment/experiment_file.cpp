// ExperimentFile: reading a file (or text), applying overrides, and the [plugins] paths that the
// host needs before it can build the catalog that resolve() validates against.
#include <fstream>
#include <sstream>
#include <system_error>

#include <fmt/format.h>

#include "experiment/conversion.hpp"
#include "experiment/file_impl.hpp"
#include "experiment/overrides.hpp"
#include "experiment/plan.hpp"
#include "experiment/toml_reading.hpp"

namespace graft::experiment {

namespace {

std::filesystem::path folder_of(const std::filesystem::path& file) {
  std::filesystem::path folder = file.parent_path();
  return folder.empty() ? std::filesystem::current_path() : std::filesystem::absolute(folder);
}

}  // namespace

ExperimentFile::ExperimentFile(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ExperimentFile::ExperimentFile(ExperimentFile&&) noexcept = default;
ExperimentFile& ExperimentFile::operator=(ExperimentFile&&) noexcept = default;
ExperimentFile::~ExperimentFile() = default;

ExperimentFile ExperimentFile::load(const std::filesystem::path& path, std::vector<Override> overrides) {
  const std::string name = path.string();
  std::error_code error;
  if (!std::filesystem::exists(path, error)) throw ConfigError(fmt::format("{}: error: no such experiment file", name));
  if (!std::filesystem::is_regular_file(path, error))
    throw ConfigError(fmt::format("{}: error: not a file; an experiment is one TOML file", name));
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) throw ConfigError(fmt::format("{}: error: cannot read the file", name));
  return parse(text.str(), name, std::move(overrides));
}

ExperimentFile ExperimentFile::parse(const std::string& toml_text, const std::string& display_name,
                                     std::vector<Override> overrides) {
  auto impl = std::make_unique<Impl>();
  impl->doc = read_toml(toml_text, display_name);
  impl->doc.base_dir = folder_of(display_name);
  apply_overrides(impl->doc, overrides);
  return ExperimentFile(std::move(impl));
}

const std::string& ExperimentFile::display_name() const { return impl_->doc.display_name; }

std::vector<std::filesystem::path> ExperimentFile::plugin_paths() const {
  std::vector<std::filesystem::path> out;
  const Table* table = impl_->doc.find(kPluginsTable);
  const Entry* entry = table ? table->find("paths") : nullptr;
  if (!entry) return out;
  const ParamSpec& spec = *find_spec(plugins_table_schema(), "paths");
  // Paths in the file are relative to the file; paths given with --set, to where the user is.
  const std::filesystem::path base =
      entry->value.at.from_override ? std::filesystem::current_path() : impl_->doc.base_dir;
  const ParamValue paths = convert(entry->value, spec);
  for (const std::string& path : std::get<std::vector<std::string>>(paths)) out.push_back((base / path).lexically_normal());
  return out;
}

}  // namespace graft::experiment
