#include "cli/report/schedule_lines.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>

namespace graft::cli::report {
namespace {

std::string joined(const std::vector<std::string>& parts, const std::string& separator) {
  std::string text;
  for (const auto& part : parts) text += (text.empty() ? "" : separator) + part;
  return text;
}

// Labels of several keys ("lr=0.001, strategy=full") hold ", " themselves: "; " keeps the groups apart.
std::string list_of(const std::vector<std::string>& parts) {
  const bool commas = std::any_of(parts.begin(), parts.end(), [](const std::string& part) {
    return part.find(", ") != std::string::npos;
  });
  return joined(parts, commas ? "; " : ", ");
}

std::string label_of(const ScheduleLine& line, const std::vector<RunSchedule>& runs,
                     const std::vector<std::string>& group_labels) {
  std::vector<std::string> parts;
  bool every_run_of_its_groups = true;
  for (std::size_t group : line.groups) {
    std::vector<std::string> ids;
    std::size_t in_group = 0;
    for (const auto& run : runs) {
      if (run.group != group) continue;
      ++in_group;
      if (std::find(line.run_ids.begin(), line.run_ids.end(), run.run_id) != line.run_ids.end())
        ids.push_back(std::to_string(run.run_id));
    }
    const std::string& name = group < group_labels.size() ? group_labels[group] : fmt::format("group {}", group + 1);
    if (ids.size() == in_group) {
      parts.push_back(name);
    } else {
      every_run_of_its_groups = false;
      parts.push_back(fmt::format("{} ({} {})", name, ids.size() == 1 ? "run" : "runs", joined(ids, ", ")));
    }
  }
  if (parts.size() == 1) return parts.front();
  if (every_run_of_its_groups && line.groups.size() == group_labels.size())
    return fmt::format("all {} groups", group_labels.size());
  return "groups " + list_of(parts);
}

}  // namespace

std::vector<ScheduleLine> schedule_lines(const std::vector<RunSchedule>& runs,
                                         const std::vector<std::string>& group_labels) {
  std::vector<ScheduleLine> lines;
  std::map<LrPoints, std::size_t> line_of;
  for (const auto& run : runs) {
    const auto [at, added] = line_of.emplace(run.points, lines.size());
    if (added) lines.push_back(ScheduleLine{run.points, {}, {}, ""});
    ScheduleLine& line = lines[at->second];
    line.run_ids.push_back(run.run_id);
    if (std::find(line.groups.begin(), line.groups.end(), run.group) == line.groups.end()) line.groups.push_back(run.group);
  }
  for (auto& line : lines) {
    std::sort(line.groups.begin(), line.groups.end());
    line.label = label_of(line, runs, group_labels);
  }
  return lines;
}

}  // namespace graft::cli::report
