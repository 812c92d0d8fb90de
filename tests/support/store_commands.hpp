#pragma once
// `graft --db STORE ARGS...` through the store commands `graft` itself runs (runs, show, compare,
// query, export, report, rm, gc: cli::add_store_commands) in-process, with main()'s error handling: bad input is "error: ..." on stderr
// and status 2. For tests that link graft_cli_common and include its command.hpp.
#include <filesystem>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/command.hpp"
#include "graft/errors.hpp"
#include "graft/storage/store.hpp"
#include "support/capture_stdout.hpp"

namespace graft::testing {

struct Printed {
  int status = 0;
  std::string out;
  std::string err;  // what the command printed itself, or the error main would print
};

inline Printed graft_cli(const std::filesystem::path& store, std::vector<std::string> args) {
  CLI::App app{"graft", "graft"};
  app.require_subcommand(1);
  cli::Context context;
  context.db = store.string();
  cli::add_store_commands(app, context);
  args.insert(args.begin(), "graft");
  std::vector<const char*> argv;
  for (const auto& arg : args) argv.push_back(arg.c_str());
  std::ostringstream err;
  std::streambuf* saved = std::cerr.rdbuf(err.rdbuf());
  Printed printed;
  {
    CaptureStdout capture;
    try {
      app.parse(static_cast<int>(argv.size()), argv.data());
      printed.status = context.exit_status;
    } catch (const InputError& error) {
      printed.status = 2;
      err << "error: " << error.what();
    } catch (const storage::StoreError& error) {
      printed.status = 2;
      err << "error: " << error.what();
    }
    printed.out = capture.text();
  }
  std::cerr.rdbuf(saved);
  printed.err = err.str();
  return printed;
}

}  // namespace graft::testing
