// graft: transfer-learning experiments on LibTorch. One file per subcommand (cmd_*.cpp); this
// one wires them up and turns errors into messages and exit statuses:
// 0 success, 1 a run failed, 2 bad usage or bad input, 130 interrupted.
#include <iostream>

#include <CLI/CLI.hpp>
#include <c10/util/Exception.h>

#include "cli/command.hpp"
#include "experiment/experiment.hpp"
#include "graft/errors.hpp"
#include "graft/log.hpp"
#include "graft/storage/store.hpp"
#include "cli/memory_policy.hpp"
#include "cli/thread_wait_policy.hpp"

int main(int argc, char** argv) {
  graft::cli::ensure_passive_thread_wait(argv);
  graft::cli::keep_freed_memory_for_reuse();
  CLI::App app{"graft: transfer-learning experiments on LibTorch", "graft"};
  app.require_subcommand(1);
  app.fallthrough();  // global options (--db, --quiet) also after the subcommand
  app.set_version_flag("--version", "graft 0.1.0");

  graft::cli::Context context;
  app.add_option("--db", context.db, "results store (default: $GRAFT_DB, else ./graft.db)");
  app.add_flag_callback("-q,--quiet", [] { graft::log::set_level(graft::log::Level::Warning); },
                        "print warnings and errors only");

  graft::cli::add_run_command(app, context);
  graft::cli::add_validate_command(app, context);
  graft::cli::add_lr_curve_command(app, context);
  graft::cli::add_lr_find_command(app, context);
  graft::cli::add_plugins_command(app, context);
  graft::cli::add_runs_command(app, context);
  graft::cli::add_show_command(app, context);
  graft::cli::add_compare_command(app, context);
  graft::cli::add_query_command(app, context);
  graft::cli::add_export_command(app, context);
  graft::cli::add_report_command(app, context);
  graft::cli::add_new_command(app, context);
  graft::cli::add_predict_command(app, context);
  graft::cli::add_resume_command(app, context);
  graft::cli::add_tokenize_command(app, context);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int status = app.exit(error);  // prints help, version or the usage error
    return status == 0 ? 0 : 2;
  } catch (const graft::experiment::ConfigError& error) {
    std::cerr << error.what() << '\n';  // already "FILE:LINE:COL: error: ..."
    return 2;
  } catch (const graft::InputError& error) {
    std::cerr << "error: " << error.what() << '\n';
    return 2;
  } catch (const graft::storage::StoreError& error) {
    std::cerr << "error: " << error.what() << '\n';
    return 2;
  } catch (const c10::Error& error) {
    std::cerr << "error: " << error.what_without_backtrace() << '\n';
    return 1;
  } catch (const std::exception& error) {
    std::cerr << "error: " << error.what() << '\n';
    return 1;
  }
  return context.exit_status;
}
