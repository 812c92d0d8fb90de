#pragma once
// Runs the graft executable the way a user does and captures what it printed.
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace graft::testing {

struct Finished {
  int status = -1;
  std::string out;
  std::string err;
};

inline std::string shell_quote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Runs `graft ARGS...` in `folder` with the store at folder/graft.db unless --db is given.
inline Finished run_graft(const std::filesystem::path& folder, const std::vector<std::string>& args) {
  std::string command = "cd " + shell_quote(folder.string()) + " && GRAFT_DB= " + shell_quote(GRAFT_EXECUTABLE);
  for (const auto& arg : args) command += " " + shell_quote(arg);
  const auto out = folder / ".graft-stdout", err = folder / ".graft-stderr";
  command += " > " + shell_quote(out.string()) + " 2> " + shell_quote(err.string()) + " < /dev/null";
  const int raw = std::system(command.c_str());
  Finished finished;
  finished.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  finished.out = read_text(out);
  finished.err = read_text(err);
  return finished;
}

}  // namespace graft::testing
