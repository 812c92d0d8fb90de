#pragma once
// How subcommands plug into the `graft` executable: each cmd_*.cpp defines one add_*_command
// that adds its CLI11 subcommand to the app. `graft` (main.cpp) has the store commands and hands
// the training ones (training_commands.hpp) to `graft-engine` (engine_main.cpp), which has all. A subcommand's callback
// stores its exit status in Context::exit_status (0 ok, 1 a run failed, 2 bad usage or input).
// Errors for people are thrown as graft::InputError (or storage::StoreError) and printed by main
// as one line "error: ..." with exit status 2.
#include <string>

#include <CLI/CLI.hpp>

namespace graft::cli {

struct Context {
  std::string db;        // --db; empty means $GRAFT_DB, else ./graft.db
  int exit_status = 0;

  std::string store_path() const;
};

// The commands without LibTorch, in the order `graft --help` lists them (store_commands.cpp).
void add_store_commands(CLI::App& app, Context& context);

void add_run_command(CLI::App& app, Context& context);
void add_validate_command(CLI::App& app, Context& context);
void add_lr_curve_command(CLI::App& app, Context& context);
void add_lr_find_command(CLI::App& app, Context& context);
void add_plugins_command(CLI::App& app, Context& context);
void add_runs_command(CLI::App& app, Context& context);
void add_show_command(CLI::App& app, Context& context);
void add_compare_command(CLI::App& app, Context& context);
void add_query_command(CLI::App& app, Context& context);
void add_export_command(CLI::App& app, Context& context);
void add_report_command(CLI::App& app, Context& context);
void add_rm_command(CLI::App& app, Context& context);
void add_gc_command(CLI::App& app, Context& context);
void add_new_command(CLI::App& app, Context& context);
void add_predict_command(CLI::App& app, Context& context);
void add_resume_command(CLI::App& app, Context& context);
void add_tokenize_command(CLI::App& app, Context& context);

}  // namespace graft::cli
