#pragma once
// The lines of the report's learning-rate chart. Runs that follow the same schedule (the repeats
// of a group, or every group of a sweep that did not vary the schedule) would be drawn exactly on
// top of each other, the last one hiding the rest: each distinct LR series is one line instead,
// labelled with the groups (and, where it is not all of a group, the runs) that follow it.
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace graft::cli::report {

using LrPoints = std::vector<std::pair<std::int64_t, double>>;  // [step, lr], as stored

struct RunSchedule {
  std::size_t group = 0;  // index into the group labels
  std::int64_t run_id = 0;
  LrPoints points;
};

struct ScheduleLine {
  LrPoints points;
  std::vector<std::size_t> groups;     // ascending
  std::vector<std::int64_t> run_ids;   // in the order the runs were given
  std::string label;                   // "all 4 groups", "groups a, b", "a (runs 3, 4)", "a"
};

// One line per distinct series (equal when every step and value is: the same schedule computes
// the same doubles), in the order of their first run. `group_labels` names every group, so that
// a line can tell that it covers all of them.
std::vector<ScheduleLine> schedule_lines(const std::vector<RunSchedule>& runs,
                                         const std::vector<std::string>& group_labels);

}  // namespace graft::cli::report
