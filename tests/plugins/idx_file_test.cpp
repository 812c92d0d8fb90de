#include <catch2/catch.hpp>

#include "graft/errors.hpp"
#include "idx_file.hpp"
#include "support/idx_writer.hpp"
#include "support/temp_folder.hpp"

using graft::idx::parse_idx;

TEST_CASE("IDX files are read plain and gzipped alike") {
  graft::testing::TempFolder folder("idx-file");
  const auto bytes = graft::testing::idx_bytes({2, 3}, {1, 2, 3, 4, 5, 6});
  graft::testing::write_file(folder / "plain", bytes, /*gzip=*/false);
  graft::testing::write_file(folder / "packed.gz", bytes, /*gzip=*/true);
  for (const auto& name : {"plain", "packed.gz"}) {
    const auto array = graft::idx::read_idx(folder / name);
    CHECK(array.shape == std::vector<std::int64_t>{2, 3});
    CHECK(array.data == std::vector<std::uint8_t>{1, 2, 3, 4, 5, 6});
  }
}

TEST_CASE("malformed IDX data gets an error that names the file and the problem") {
  CHECK_THROWS_WITH(parse_idx({1, 2, 3}, "f"), "f: not an IDX file (bad magic number)");
  CHECK_THROWS_WITH(parse_idx({0, 0, 0x0D, 1, 0, 0, 0, 1, 0, 0, 0, 0}, "f"),
                    Catch::Contains("only unsigned bytes"));
  CHECK_THROWS_WITH(parse_idx({0, 0, 8, 2, 0, 0}, "f"), "f: truncated IDX header");
  auto truncated = graft::testing::idx_bytes({4}, {1, 2, 3, 4});
  truncated.pop_back();
  CHECK_THROWS_WITH(parse_idx(truncated, "f"), "f: IDX header promises 4 bytes of data, the file has 3 (truncated)");
  CHECK_THROWS_WITH(graft::idx::read_idx("/nonexistent/x"), "no such file: /nonexistent/x");
  CHECK_THROWS_AS(parse_idx({0, 0, 8, 3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, "f"),
                  graft::InputError);
}
