#pragma once
// Output for people and scripts: aligned text tables, CSV (RFC 4180) and JSON.
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace graft::cli {

struct Table {
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
};

// Columns padded to their widest cell; numbers (cells that parse as numbers) right-aligned.
void print_table(std::ostream& out, const Table& table);
void print_csv(std::ostream& out, const Table& table);

// Number formatting shared by every command: up to 6 significant digits ("0.9134", "3e-04").
std::string format_number(double value);
// A mean and its spread (a standard deviation, say) to the precision the spread allows: the
// spread to 2 significant digits, the mean to the same decimal place ("0.836 ± 0.066",
// "4570 ± 120"); more digits of the mean would be noise. No spread (a group of one) prints the mean
// alone, and a zero or non-finite spread leaves the mean as format_number prints it.
std::string format_mean_spread(double mean, std::optional<double> spread);

// Local time to the minute, for people: "2026-11-26 10:31".
std::string format_time(double unix_seconds);
// Elapsed time at a glance: "42s", "3m 12s", "1h 02m", "2d 03h".
std::string format_duration(double seconds);
// Sizes in binary units: "512 B", "3.4 KiB", "42.7 MiB".
std::string format_bytes(std::int64_t bytes);
// A cell of a text table on one line: line breaks shown as "\n" so columns stay aligned.
std::string one_line(const std::string& text);

// How a command prints its result: a table for people, CSV or JSON for scripts.
enum class Format { Table, Csv, Json };
// Adds --json (and --csv when `csv` is true, the two exclusive) to `command`, setting `format`.
// `format` must outlive the command.
void add_format_flags(CLI::App& command, Format& format, bool csv = true);

}  // namespace graft::cli
