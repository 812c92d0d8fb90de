#include "host/registry.hpp"

#include <map>
#include <set>
#include <utility>

#include <fmt/format.h>

#include "host/discovery.hpp"
#include "host/exception_text.hpp"
#include "graft/fingerprint.hpp"
#include "graft/log.hpp"
#include "host/library_loader.hpp"
#include "host/suggest.hpp"

namespace graft::host {
namespace fs = std::filesystem;

std::string host_fingerprint() { return GRAFT_BUILD_FINGERPRINT; }

std::optional<PluginKind> kind_from_name(std::string_view name) {
  for (PluginKind kind : kPluginKinds)
    if (name == kind_name(kind)) return kind;
  return std::nullopt;
}

namespace {

using Key = std::pair<PluginKind, std::string>;

std::string duplicate_message(const LoadedPlugin& first, const LoadedPlugin& second) {
  return fmt::format("duplicate {} plugin '{}': {} and {}; remove one or take it off the plugin path",
                     kind_name(first.kind), first.name, first.file.string(), second.file.string());
}

}  // namespace

struct Registry::Impl {
  // A map: sorted by (kind, name) as list() promises, and its nodes never move, so the pointers
  // that find() and list() hand out stay valid across later scans.
  std::map<Key, LoadedPlugin> plugins;
  std::set<fs::path> opened;  // canonical paths of every library tried, loaded or refused
  std::vector<LoadProblem> problems;
  std::vector<fs::path> searched;  // scan entries, named when a kind has no plugin at all
  bool log_problems = true;

  void report(LoadProblem problem) {
    if (log_problems) log::warn("{}", problem.message);
    problems.push_back(std::move(problem));
  }
};

Registry::Registry() : impl_(std::make_unique<Impl>()) {}
Registry::Registry(Registry&&) noexcept = default;
Registry& Registry::operator=(Registry&&) noexcept = default;
Registry::~Registry() = default;

void Registry::scan(const std::vector<fs::path>& entries) {
  PluginFiles found = find_plugin_files(entries);
  for (auto& problem : found.problems) impl_->report(std::move(problem));
  impl_->searched.insert(impl_->searched.end(), entries.begin(), entries.end());

  // Staged, and committed only when the whole scan is free of duplicates: a throwing scan
  // leaves the registry as it was.
  std::map<Key, LoadedPlugin> added;
  std::set<fs::path> opened;
  for (const auto& file : found.files) {
    std::error_code error;
    const fs::path canonical = fs::canonical(file, error);
    if (error) {
      impl_->report({file, fmt::format("{}: {}", file.string(), error.message())});
      continue;
    }
    // The same library reached twice (two entries, or a symlink beside its target) is one library.
    if (impl_->opened.count(canonical) || !opened.insert(canonical).second) continue;

    LibraryLoad load = load_library(canonical);
    for (auto& problem : load.problems) impl_->report(std::move(problem));
    for (auto& plugin : load.plugins) {
      Key key{plugin.kind, plugin.name};
      if (auto it = impl_->plugins.find(key); it != impl_->plugins.end())
        throw DuplicatePluginError(duplicate_message(it->second, plugin));
      if (auto it = added.find(key); it != added.end()) throw DuplicatePluginError(duplicate_message(it->second, plugin));
      added.emplace(std::move(key), std::move(plugin));
    }
  }
  impl_->plugins.merge(added);
  impl_->opened.merge(opened);
}

const LoadedPlugin* Registry::find(PluginKind kind, const std::string& name) const {
  auto it = impl_->plugins.find(Key{kind, name});
  return it == impl_->plugins.end() ? nullptr : &it->second;
}

const LoadedPlugin& Registry::get(PluginKind kind, const std::string& name) const {
  if (const LoadedPlugin* plugin = find(kind, name)) return *plugin;
  const std::vector<std::string> known = names(kind);
  if (!known.empty()) {
    throw PluginError(fmt::format("unknown {} plugin '{}'{}; available: {}", kind_name(kind), name,
                                  did_you_mean(name, known), join(known)));
  }
  std::vector<std::string> searched;
  for (const auto& entry : impl_->searched) searched.push_back(entry.string());
  throw PluginError(searched.empty()
                        ? fmt::format("unknown {} plugin '{}': no plugin folder was searched", kind_name(kind), name)
                        : fmt::format("unknown {} plugin '{}': no {} plugins found in {}", kind_name(kind), name,
                                      kind_name(kind), join(searched)));
}

std::vector<const LoadedPlugin*> Registry::list() const {
  std::vector<const LoadedPlugin*> out;
  for (const auto& [key, plugin] : impl_->plugins) out.push_back(&plugin);
  return out;
}

std::vector<std::string> Registry::names(PluginKind kind) const {
  std::vector<std::string> out;
  for (const auto& [key, plugin] : impl_->plugins)
    if (key.first == kind) out.push_back(key.second);
  return out;
}

const std::vector<LoadProblem>& Registry::problems() const { return impl_->problems; }

void Registry::set_log_problems(bool enabled) { impl_->log_problems = enabled; }

std::shared_ptr<Plugin> Registry::create(PluginKind kind, const std::string& name, const Params& params,
                                         const PluginContext& context) const {
  const LoadedPlugin& plugin = get(kind, name);
  auto failure = [&](const std::string& reason) {
    return PluginError(fmt::format("{} '{}' ({}): {}", kind_name(kind), name, plugin.file.string(), reason));
  };
  std::unique_ptr<Plugin> object;
  try {
    if (context.table.empty()) {
      PluginContext named = context;
      named.table = kind_name(kind);
      object = plugin.descriptor->create(params, named);
    } else {
      object = plugin.descriptor->create(params, context);
    }
  } catch (...) {
    throw failure(exception_text(std::current_exception()));
  }
  if (!object) throw failure("the factory returned no object");
  // The deleter owns a reference to the library: the object's destructor is code in that
  // library, so the library must outlive every object it made.
  return std::shared_ptr<Plugin>(object.release(), [library = plugin.library](Plugin* created) { delete created; });
}

}  // namespace graft::host
