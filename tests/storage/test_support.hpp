#pragma once
// Helpers shared by the store tests: a temporary folder, a typical run, raw SQL on the file.
#include <cstdint>
#include <filesystem>
#include <string>

#include "graft/storage/store.hpp"
#include "support/temp_folder.hpp"

namespace graft::storage::test {

using TempDir = graft::testing::TempFolder;

// A run like the engine records: params of every type, two plugins.
NewRun sample_run(const std::string& experiment = "demo", std::int64_t seed = 1, double lr = 3e-4);

// One value of a read-only query, as text ("" for NULL), e.g. scalar(store, "SELECT count(*) FROM runs").
std::string scalar(const Store& store, const std::string& sql);
std::int64_t count_rows(const Store& store, const std::string& table);

// Runs SQL on the file through a plain SQLite connection, bypassing the store (to set up
// situations the store itself would never create). Returns the first column of the last row
// returned, as text ("" when none).
std::string raw_exec(const std::filesystem::path& path, const std::string& sql);

}  // namespace graft::storage::test
