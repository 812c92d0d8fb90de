#include "cli/command_line.hpp"

#include <iostream>

#include "experiment/experiment.hpp"
#include "graft/errors.hpp"
#include "graft/log.hpp"
#include "graft/storage/store.hpp"

namespace graft::cli {

void add_global_options(CLI::App& app, Context& context) {
  app.require_subcommand(1);
  app.fallthrough();  // global options (--db, --quiet) also after the subcommand
  app.set_version_flag("--version", "graft 0.1.0");
  app.add_option("--db", context.db, "results store (default: $GRAFT_DB, else ./graft.db)");
  app.add_flag_callback("-q,--quiet", [] { graft::log::set_level(graft::log::Level::Warning); },
                        "print warnings and errors only");
}

int run_command_line(CLI::App& app, const Context& context, int argc, char** argv, DescribeError describe) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int status = app.exit(error);  // prints help, version or the usage error
    return status == 0 ? 0 : 2;
  } catch (const experiment::ConfigError& error) {
    std::cerr << error.what() << '\n';  // already "FILE:LINE:COL: error: ..."
    return 2;
  } catch (const InputError& error) {
    std::cerr << "error: " << error.what() << '\n';
    return 2;
  } catch (const storage::StoreError& error) {
    std::cerr << "error: " << error.what() << '\n';
    return 2;
  } catch (const std::exception& error) {
    std::cerr << "error: " << (describe ? describe(error) : std::string(error.what())) << '\n';
    return 1;
  }
  return context.exit_status;
}

}  // namespace graft::cli
