// The number formats of graft's tables: what a person reads in compare and the report.
#include <limits>

#include <catch2/catch.hpp>

#include "cli/output.hpp"

using graft::cli::format_mean_spread;

TEST_CASE("mean and spread are rounded to the spread's second significant digit", "[cli][output]") {
  CHECK(format_mean_spread(0.8355, 0.0657609) == "0.836 ± 0.066");
  CHECK(format_mean_spread(0.92, 0.02) == "0.920 ± 0.020");
  CHECK(format_mean_spread(123.456, 45.6) == "123 ± 46");
  CHECK(format_mean_spread(0.5, 0.15) == "0.50 ± 0.15");
  CHECK(format_mean_spread(0.001234, 0.0000567) == "0.001234 ± 0.000057");
}

TEST_CASE("a mean without a spread or with a zero spread keeps its digits", "[cli][output]") {
  CHECK(format_mean_spread(0.8355, std::nullopt) == "0.8355");
  CHECK(format_mean_spread(0.8355, 0.0) == "0.8355 ± 0");
}

TEST_CASE("a spread that rounds up to the next power of ten keeps 2 digits", "[cli][output]") {
  CHECK(format_mean_spread(0.5123, 0.0996) == "0.51 ± 0.10");
  CHECK(format_mean_spread(3.0, 9.96) == "3 ± 10");
}

TEST_CASE("a spread of 10 or more rounds the mean left of the point", "[cli][output]") {
  CHECK(format_mean_spread(4567.8, 123.4) == "4570 ± 120");
  CHECK(format_mean_spread(-4567.8, 123.4) == "-4570 ± 120");
}

TEST_CASE("a mean that rounds to zero has no minus sign", "[cli][output]") {
  CHECK(format_mean_spread(-0.0001, 0.013) == "0.000 ± 0.013");
  CHECK(format_mean_spread(-0.004, 0.013) == "-0.004 ± 0.013");
}

TEST_CASE("a zero or non-finite spread leaves the mean as format_number prints it", "[cli][output]") {
  CHECK(format_mean_spread(0.913417, 0) == "0.913417 ± 0");
  CHECK(format_mean_spread(0.913417, std::numeric_limits<double>::quiet_NaN()) == "0.913417 ± nan");
  CHECK(format_mean_spread(std::numeric_limits<double>::infinity(), 0.1) == "inf ± 0.1");
}
