#include "cli/command.hpp"

namespace graft::cli {

void add_store_commands(CLI::App& app, Context& context) {
  add_plugins_command(app, context);
  add_runs_command(app, context);
  add_show_command(app, context);
  add_compare_command(app, context);
  add_query_command(app, context);
  add_export_command(app, context);
  add_report_command(app, context);
  add_rm_command(app, context);
  add_gc_command(app, context);
}

}  // namespace graft::cli
