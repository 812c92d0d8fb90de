#pragma once
// Output for people and scripts: aligned text tables, CSV (RFC 4180) and JSON.
#include <iosfwd>
#include <string>
#include <vector>

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

}  // namespace graft::cli
