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

std::string format_mean_spread(double mean, std::optional<double> spread) {
  if (!spread) return format_number(mean);
  if (*spread == 0 || !std::isfinite(*spread) || !std::isfinite(mean))
    return format_number(mean) + " ± " + format_number(*spread);
  const int magnitude = static_cast<int>(std::floor(std::log10(std::abs(*spread))));
  const int decimals = std::max(0, 1 - magnitude);
  return fmt::format("{:.{}f} ± {:.{}f}", mean, decimals, *spread, decimals);
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
