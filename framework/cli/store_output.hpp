#pragma once
// What the commands that read the results store (runs, show, compare, query) share: opening it
// read-only, and one way to show its values in tables, CSV and JSON.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "graft/storage/store.hpp"

namespace graft::cli {

// The store at context.store_path(), opened read-only: reading commands never create or migrate.
storage::Store open_store_for_reading(const Context& context);

// A value in a text table: numbers with format_number, text on one line, "" for NULL.
std::string table_cell(const storage::Value& value);
// A value in CSV: exact (shortest round-trip numbers), "" for NULL.
std::string csv_cell(const storage::Value& value);
// A value in JSON: numbers as numbers, NULL (and NaN) as null.
nlohmann::json json_value(const storage::Value& value);
nlohmann::json json_number(const std::optional<double>& value);  // null when absent

// A run's summary as JSON: every field (kind: "train" or "lr_find"), times as unix seconds, duration_s (null until it ends),
// error null when there is none.
nlohmann::json summary_json(const storage::RunSummary& run);
std::optional<double> duration_of(const storage::RunSummary& run);  // ended_at - started_at

// The statuses a --status option takes, in lifecycle order.
std::vector<std::string> status_names();
// The runs `--experiment` and `--status` choose (empty: all); throws InputError "unknown status
// 'X'; did you mean ...; valid statuses: ..." before the store is opened.
storage::RunFilter run_filter(const std::string& experiment, const std::string& status);

// Throws InputError "no experiment 'X' in PATH; did you mean ...; experiments: ..." unless the
// store has an experiment of that name: an experiment that matches nothing is most often a typo.
void require_experiment(const storage::Store& store, const std::string& name);

// Throws InputError "no run N in PATH" when `run` is empty.
const storage::RunDetails& require_run(const std::optional<storage::RunDetails>& run, std::int64_t id,
                                       const storage::Store& store);

}  // namespace graft::cli
