// The number formats of graft's tables: what a person reads in compare and the report.
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
