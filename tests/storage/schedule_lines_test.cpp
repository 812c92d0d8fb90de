// The report's LR chart: runs with the same LR series share one line, labelled by what shares it.
#include <catch2/catch.hpp>

#include "cli/report/schedule_lines.hpp"

using graft::cli::report::LrPoints;
using graft::cli::report::RunSchedule;
using graft::cli::report::schedule_lines;

namespace {

const LrPoints kCosine = {{0, 0.0}, {5, 0.01}, {10, 0.005}, {15, 0.0}};
const LrPoints kConstant = {{0, 0.01}, {5, 0.01}, {10, 0.01}, {15, 0.01}};

}  // namespace

TEST_CASE("groups with the same schedule share one line named all N groups", "[cli][report]") {
  const std::vector<RunSchedule> runs = {{0, 1, kCosine}, {0, 2, kCosine}, {1, 3, kCosine}, {1, 4, kCosine},
                                         {2, 5, kCosine}, {3, 6, kCosine}};
  const auto lines = schedule_lines(runs, {"a", "b", "c", "d"});
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].label == "all 4 groups");
  CHECK(lines[0].groups == std::vector<std::size_t>{0, 1, 2, 3});
  CHECK(lines[0].run_ids == std::vector<std::int64_t>{1, 2, 3, 4, 5, 6});
  CHECK(lines[0].points == kCosine);
}

TEST_CASE("distinct schedules are lines of their own in the order of their first run", "[cli][report]") {
  const std::vector<RunSchedule> runs = {{0, 1, kConstant}, {1, 2, kCosine}, {2, 3, kConstant}};
  const auto lines = schedule_lines(runs, {"sched=constant, lr=1", "sched=cosine, lr=1", "sched=constant, lr=2"});
  REQUIRE(lines.size() == 2);
  // Labels with commas of their own are kept apart with semicolons.
  CHECK(lines[0].label == "groups sched=constant, lr=1; sched=constant, lr=2");
  CHECK(lines[0].groups == std::vector<std::size_t>{0, 2});
  CHECK(lines[1].label == "sched=cosine, lr=1");
  CHECK(lines[1].run_ids == std::vector<std::int64_t>{2});
}

TEST_CASE("a line that holds only some runs of a group names them", "[cli][report]") {
  // Run 3 stopped early: its series is shorter than its group's other run.
  const LrPoints stopped(kCosine.begin(), kCosine.begin() + 2);
  const std::vector<RunSchedule> runs = {{0, 1, kCosine}, {1, 2, kCosine}, {1, 3, stopped}};
  const auto lines = schedule_lines(runs, {"a", "b"});
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].label == "groups a, b (run 2)");
  CHECK(lines[1].label == "b (run 3)");
}

TEST_CASE("one group of runs with one schedule is named as the group", "[cli][report]") {
  const auto lines = schedule_lines({{0, 1, kCosine}, {0, 2, kCosine}}, {"all runs"});
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].label == "all runs");
}
