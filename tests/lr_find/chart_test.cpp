// The terminal chart of `graft lr-find`: Braille dots for the smoothed loss on a log LR axis,
// decade ticks, the suggestions marked under the axis.
#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "cli/lr_find_chart.hpp"

using graft::cli::ChartMark;
using graft::cli::lr_find_chart;
using Catch::Matchers::Contains;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Terminal columns of a UTF-8 line: one per code point (box drawing and Braille are narrow).
std::size_t columns(const std::string& line) {
  std::size_t count = 0;
  for (unsigned char c : line) count += (c & 0xC0) != 0x80;
  return count;
}

// Braille patterns are U+2800..U+28FF: E2 A0 80 .. E2 A3 BF in UTF-8.
bool has_braille(const std::string& line) {
  for (const char* lead : {"\xE2\xA0", "\xE2\xA1", "\xE2\xA2", "\xE2\xA3"})
    if (line.find(lead) != std::string::npos) return true;
  return false;
}

// 1e-6 .. 1 over 61 steps; a loss falling to its lowest at 1e-3, then rising steeply.
struct Curve {
  std::vector<double> lrs, losses;
  Curve() {
    for (int i = 0; i <= 60; ++i) {
      const double log_lr = -6 + i / 10.0;
      lrs.push_back(std::pow(10.0, log_lr));
      losses.push_back(1 + 0.1 * (log_lr + 3) * (log_lr + 3));
    }
  }
};

}  // namespace

TEST_CASE("the chart draws the curve in Braille with a log axis labelled by decades") {
  const Curve curve;
  const std::string chart =
      lr_find_chart(curve.lrs, curve.losses, {{'V', "valley", 1e-4}, {'S', "steep", std::pow(10.0, -4.5)}, {'M', "minimum/10", 1e-4}},
                    80, 12);
  INFO(chart);
  const auto lines = lines_of(chart);
  // 12 plot rows, the axis, its labels, the suggestion letters, the legend.
  REQUIRE(lines.size() == 16);
  for (std::size_t row = 0; row < 12; ++row) {
    CHECK(columns(lines[row]) == 79);
    CHECK_THAT(lines[row], Contains("┤") || Contains("│"));
  }
  CHECK(has_braille(chart));
  CHECK_THAT(lines[12], Contains("└") && Contains("┬"));
  for (const char* decade : {"1e-6", "1e-5", "1e-4", "0.001", "0.01", "0.1", "1"}) CHECK_THAT(lines[13], Contains(decade));
  // The lowest point (1e-3, the middle decade) is drawn in the bottom row, the ends higher up.
  CHECK(has_braille(lines[11]));
  // The letters sit under their LR's column; M shares V's column and moves one to the right.
  const auto axis_start = lines[12].find("└");
  const std::size_t plot_from = columns(lines[12].substr(0, axis_start)) + 1;  // first plot column
  const std::size_t v = lines[14].find('V'), s = lines[14].find('S'), m = lines[14].find('M');
  REQUIRE(v != std::string::npos);
  REQUIRE(s != std::string::npos);
  CHECK(m == v + 1);
  CHECK(s < v);
  // Plot columns 0..69: 1e-4 is 2/6 of the way (column 23), 10^-4.5 1.5/6 (17.25: column 17).
  CHECK(v - plot_from == 23);
  CHECK(s - plot_from == 17);
  CHECK_THAT(lines[15], Contains("V valley 0.0001") && Contains("S steep 3.16e-05") && Contains("M minimum/10 0.0001"));
}

TEST_CASE("the chart leaves gaps at NaN losses, clips a diverging tail and is empty without points") {
  Curve curve;
  curve.losses[20] = std::nan("");
  // A blow-up at the end: the y axis fits the rest (the last five points are left out of it).
  for (std::size_t i = curve.losses.size() - 5; i < curve.losses.size(); ++i) curve.losses[i] = 1e6;
  const std::string chart = lr_find_chart(curve.lrs, curve.losses, {}, 60, 8);
  INFO(chart);
  const auto lines = lines_of(chart);
  REQUIRE(lines.size() == 8 + 3);  // no letters row without marks
  // The top label is near the top of the fitted curve (1 + 0.1 x 2.5^2 = 1.625 at 10^-0.5), not 1e6.
  CHECK_THAT(lines[0], !Contains("e+06"));
  CHECK(std::stod(lines[0].substr(0, lines[0].find("┤"))) < 2);

  CHECK(lr_find_chart({}, {}, {}, 80, 10).empty());
  CHECK(lr_find_chart({1e-3, 1e-2}, {std::nan(""), std::nan("")}, {}, 80, 10).empty());
}
