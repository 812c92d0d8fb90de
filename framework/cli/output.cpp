#include "cli/output.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <iterator>
#include <ostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

namespace graft::cli {
namespace {

bool looks_numeric(const std::string& cell) {
  if (cell.empty()) return false;
  char* end = nullptr;
  std::strtod(cell.c_str(), &end);
  return end == cell.c_str() + cell.size();
}

std::string csv_cell(const std::string& cell) {
  if (cell.find_first_of(",\"\n\r") == std::string::npos) return cell;
  std::string out = "\"";
  for (char c : cell) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

void print_table(std::ostream& out, const Table& table) {
  std::vector<std::size_t> widths(table.columns.size());
  std::vector<bool> numeric(table.columns.size(), true);
  for (std::size_t c = 0; c < table.columns.size(); ++c) widths[c] = table.columns[c].size();
  for (const auto& row : table.rows) {
    for (std::size_t c = 0; c < row.size() && c < widths.size(); ++c) {
      widths[c] = std::max(widths[c], row[c].size());
      if (!row[c].empty() && !looks_numeric(row[c])) numeric[c] = false;
    }
  }
  auto print_row = [&](const std::vector<std::string>& row, bool header) {
    std::string line;
    for (std::size_t c = 0; c < widths.size(); ++c) {
      const std::string cell = c < row.size() ? row[c] : "";
      const bool right = numeric[c] && !header;
      if (c) line += "  ";
      line += right ? fmt::format("{:>{}}", cell, widths[c]) : fmt::format("{:<{}}", cell, widths[c]);
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << line << '\n';
  };
  print_row(table.columns, true);
  for (const auto& row : table.rows) print_row(row, false);
}

void print_csv(std::ostream& out, const Table& table) {
  auto print_row = [&](const std::vector<std::string>& row) {
    for (std::size_t c = 0; c < row.size(); ++c) out << (c ? "," : "") << csv_cell(row[c]);
    out << '\n';
  };
  print_row(table.columns);
  for (const auto& row : table.rows) print_row(row);
}

std::string format_number(double value) { return fmt::format("{:.6g}", value); }

std::string format_mean_spread(double mean, std::optional<double> maybe_spread) {
  if (!maybe_spread) return format_number(mean);
  double spread = std::abs(*maybe_spread);
  if (!std::isfinite(mean) || !std::isfinite(spread) || spread == 0) {
    return fmt::format("{} ± {}", format_number(mean), format_number(spread));
  }
  // The spread as 2 digits times 10^(exponent - 1), rounded first: 0.0996 is "0.10", whose last
  // digit is a place further left than 0.0996's second digit.
  auto exponent = static_cast<int>(std::floor(std::log10(spread)));
  double digits = std::round(spread / std::pow(10.0, exponent - 1));
  if (digits >= 100) {
    ++exponent;
    digits = 10;
  }
  const int decimals = 1 - exponent;  // negative: the last kept digit is left of the point
  const auto rounded = [decimals](double value) {
    if (decimals >= 0) return fmt::format("{:.{}f}", value, decimals);
    const double unit = std::pow(10.0, -decimals);
    return fmt::format("{:.0f}", std::round(value / unit) * unit);
  };
  std::string mean_text = rounded(mean);
  // A mean that rounds to zero is "0.00", not "-0.00".
  if (mean_text.front() == '-' && mean_text.find_first_not_of("-0.") == std::string::npos) mean_text.erase(0, 1);
  return fmt::format("{} ± {}", mean_text, rounded(digits * std::pow(10.0, exponent - 1)));
}

std::string format_time(double unix_seconds) {
  const auto time = static_cast<std::time_t>(unix_seconds);
  std::tm local{};
  if (!localtime_r(&time, &local)) return format_number(unix_seconds);
  char text[32];
  return std::strftime(text, sizeof text, "%Y-%m-%d %H:%M", &local) ? text : format_number(unix_seconds);
}

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "";
  const auto total = static_cast<std::int64_t>(std::llround(seconds));
  const std::int64_t days = total / 86400, hours = total / 3600 % 24, minutes = total / 60 % 60, secs = total % 60;
  // Two units are enough to compare runs at a glance.
  if (days > 0) return fmt::format("{}d {:02}h", days, hours);
  if (hours > 0) return fmt::format("{}h {:02}m", hours, minutes);
  if (minutes > 0) return fmt::format("{}m {:02}s", minutes, secs);
  return fmt::format("{}s", secs);
}

std::string format_bytes(std::int64_t bytes) {
  constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  std::size_t unit = 0;
  while (std::abs(value) >= 1024 && unit + 1 < std::size(kUnits)) {
    value /= 1024;
    ++unit;
  }
  return unit == 0 ? fmt::format("{} B", bytes) : fmt::format("{:.1f} {}", value, kUnits[unit]);
}

std::string one_line(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\n') out += "\\n";
    else if (c != '\r') out += c;
  }
  return out;
}

void add_format_flags(CLI::App& command, Format& format, bool csv) {
  CLI::Option* json = command.add_flag_callback("--json", [&format] { format = Format::Json; },
                                                "Print JSON instead of a table");
  if (!csv) return;
  CLI::Option* csv_flag = command.add_flag_callback("--csv", [&format] { format = Format::Csv; },
                                                    "Print CSV (RFC 4180) instead of a table");
  json->excludes(csv_flag);
}

}  // namespace graft::cli
