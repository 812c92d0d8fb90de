#pragma once
// What both executables, `graft` and `graft-engine`, share around their subcommands: the app
// with its global options, and the one place where exceptions become messages and exit statuses
// (0 success, 1 a run failed, 2 bad usage or bad input, 130 interrupted).
#include <exception>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/command.hpp"

namespace graft::cli {

// The app with `--db`, `--quiet` and `--version`, expecting one subcommand.
void add_global_options(CLI::App& app, Context& context);

// How an unexpected exception reads (an executable that links LibTorch drops c10's backtrace).
using DescribeError = std::string (*)(const std::exception&);

// Parses and runs the command line; returns the exit status.
int run_command_line(CLI::App& app, const Context& context, int argc, char** argv, DescribeError describe);

}  // namespace graft::cli
