#include "cli/lr_find_chart.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>

#include <fmt/format.h>

namespace graft::cli {
namespace {

constexpr int kLabelWidth = 9;  // y labels: "  2.31 ┤" is kLabelWidth columns before the plot

// UTF-8 of a code point of the Basic Multilingual Plane.
std::string utf8(char32_t code) {
  std::string out;
  if (code < 0x80) {
    out += static_cast<char>(code);
  } else if (code < 0x800) {
    out += static_cast<char>(0xC0 | (code >> 6));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else {
    out += static_cast<char>(0xE0 | (code >> 12));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  }
  return out;
}

// A grid of Braille cells: dot (x, y) with x in [0, 2 columns), y in [0, 4 rows), y down.
class BrailleCanvas {
 public:
  BrailleCanvas(int columns, int rows) : columns_(columns), rows_(rows), cells_(static_cast<std::size_t>(columns * rows), 0) {}
  int dot_width() const { return columns_ * 2; }
  int dot_height() const { return rows_ * 4; }

  void set(int x, int y) {
    if (x < 0 || y < 0 || x >= dot_width() || y >= dot_height()) return;
    // Braille dot numbering: left column 1, 2, 3, 7 top down; right column 4, 5, 6, 8.
    static const std::uint8_t bits[2][4] = {{0x01, 0x02, 0x04, 0x40}, {0x08, 0x10, 0x20, 0x80}};
    cells_[static_cast<std::size_t>((y / 4) * columns_ + x / 2)] |= bits[x % 2][y % 4];
  }

  // Every dot on the segment, those outside the canvas dropped (a line leaving the top is cut).
  void line(int x0, int y0, int x1, int y1) {
    const int dx = std::abs(x1 - x0), dy = -std::abs(y1 - y0);
    const int sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1;
    int error = dx + dy;
    for (;;) {
      set(x0, y0);
      if (x0 == x1 && y0 == y1) return;
      const int twice = 2 * error;
      if (twice >= dy) {
        error += dy;
        x0 += sx;
      }
      if (twice <= dx) {
        error += dx;
        y0 += sy;
      }
    }
  }

  std::string row(int r) const {
    std::string text;
    for (int c = 0; c < columns_; ++c) {
      const auto cell = cells_[static_cast<std::size_t>(r * columns_ + c)];
      text += cell ? utf8(0x2800 + cell) : std::string(" ");
    }
    return text;
  }

 private:
  int columns_;
  int rows_;
  std::vector<std::uint8_t> cells_;
};

// Decade labels: 1e-07 as "1e-7", then 0.001, 0.01, 0.1, 1, 10, 100, 1e+3 as "1e3".
std::string decade_label(int decade) {
  if (decade >= -3 && decade <= 2) return fmt::format("{:g}", std::pow(10.0, decade));
  return fmt::format("1e{}", decade);
}

}  // namespace

std::string lr_find_chart(const std::vector<double>& lrs, const std::vector<double>& losses,
                          const std::vector<ChartMark>& marks, int width, int height) {
  const std::size_t n = std::min(lrs.size(), losses.size());
  const int columns = std::max(10, width - kLabelWidth - 1);
  const int rows = std::max(4, height);
  std::optional<double> x_low, x_high, y_low, y_high;
  const std::size_t fitted = n > 10 ? n - 5 : n;
  for (std::size_t i = 0; i < n; ++i) {
    if (!(lrs[i] > 0) || !std::isfinite(lrs[i])) continue;
    const double x = std::log10(lrs[i]);
    x_low = std::min(x_low.value_or(x), x);
    x_high = std::max(x_high.value_or(x), x);
    if (i < fitted && std::isfinite(losses[i])) {
      y_low = std::min(y_low.value_or(losses[i]), losses[i]);
      y_high = std::max(y_high.value_or(losses[i]), losses[i]);
    }
  }
  if (!x_low || !y_low) return {};
  if (*x_high - *x_low < 1e-12) *x_high = *x_low + 1;
  // A little room above and below the curve, and some height for a flat one.
  const double span = std::max(*y_high - *y_low, std::max(1e-9, std::abs(*y_high) * 0.01));
  const double y_top = *y_high + span * 0.05, y_bottom = *y_low - span * 0.05;

  BrailleCanvas canvas(columns, rows);
  const auto dot_x = [&](double lr) {
    return static_cast<int>(std::lround((std::log10(lr) - *x_low) / (*x_high - *x_low) * (canvas.dot_width() - 1)));
  };
  const auto dot_y = [&](double loss) {
    return static_cast<int>(std::lround((y_top - loss) / (y_top - y_bottom) * (canvas.dot_height() - 1)));
  };
  std::optional<std::pair<int, int>> previous;
  for (std::size_t i = 0; i < n; ++i) {
    if (!(lrs[i] > 0) || !std::isfinite(losses[i])) {
      previous.reset();  // a gap
      continue;
    }
    // Far above the top, clamp before converting to int; the line is cut at the canvas anyway.
    const double loss = std::min(losses[i], y_top + 4 * (y_top - y_bottom));
    const std::pair<int, int> point{dot_x(lrs[i]), dot_y(loss)};
    if (previous) {
      canvas.line(previous->first, previous->second, point.first, point.second);
    } else {
      canvas.set(point.first, point.second);
    }
    previous = point;
  }

  std::string chart;
  for (int r = 0; r < rows; ++r) {
    std::string label;
    if (r == 0 || r == rows - 1 || r == rows / 2) {
      const double value = y_top - (y_top - y_bottom) * (r * 4 + 1.5) / (canvas.dot_height() - 1);
      label = fmt::format("{:>{}.4g} ┤", value, kLabelWidth - 2);
    } else {
      label = std::string(kLabelWidth - 1, ' ') + "│";
    }
    chart += label + canvas.row(r) + "\n";
  }

  // The x axis: a tick under every decade, labelled where there is room.
  const auto column_of = [&](double log_lr) {
    return static_cast<int>(std::lround((log_lr - *x_low) / (*x_high - *x_low) * (columns - 1)));
  };
  std::vector<std::string> axis_cells(static_cast<std::size_t>(columns), "─");
  std::string labels(static_cast<std::size_t>(columns + kLabelWidth + 12), ' ');
  int free_from = 0;
  for (int decade = static_cast<int>(std::ceil(*x_low - 1e-9)); decade <= static_cast<int>(std::floor(*x_high + 1e-9));
       ++decade) {
    const int column = column_of(decade);
    axis_cells[static_cast<std::size_t>(column)] = "┬";
    const std::string text = decade_label(decade);
    const int start = kLabelWidth + column - static_cast<int>(text.size()) / 2;
    if (start < free_from || start < 0) continue;
    labels.replace(static_cast<std::size_t>(start), text.size(), text);
    free_from = start + static_cast<int>(text.size()) + 1;
  }
  std::string axis_line = std::string(kLabelWidth - 1, ' ') + "└";
  for (const auto& cell : axis_cells) axis_line += cell;
  chart += axis_line + "\n";
  labels.erase(labels.find_last_not_of(' ') + 1);
  chart += labels + "\n";

  // Suggestions: their letter under their LR (moved right when two fall on one column).
  std::string letters(static_cast<std::size_t>(columns + kLabelWidth + 8), ' ');
  std::string legend;
  for (const auto& mark : marks) {
    if (!(mark.lr > 0)) continue;
    int column = kLabelWidth + std::clamp(column_of(std::log10(mark.lr)), 0, columns - 1);
    while (static_cast<std::size_t>(column) < letters.size() - 1 && letters[static_cast<std::size_t>(column)] != ' ') ++column;
    letters[static_cast<std::size_t>(column)] = mark.letter;
    legend += fmt::format("{}{} {} {:.3g}", legend.empty() ? "" : "   ", mark.letter, mark.name, mark.lr);
  }
  letters.erase(letters.find_last_not_of(' ') + 1);
  if (!letters.empty()) chart += letters + "\n";
  chart += std::string(kLabelWidth, ' ') + "smoothed loss vs learning rate (log scale)";
  if (!legend.empty()) chart += ";  " + legend;
  return chart + "\n";
}

}  // namespace graft::cli
