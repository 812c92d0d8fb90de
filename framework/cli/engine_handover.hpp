#pragma once
// `graft` runs the store commands itself and hands the training commands (training_commands.hpp)
// to `graft-engine`, which links LibTorch: the process is replaced (same pid, arguments,
// terminal and signals), so to the user and to scripts it is still `graft`.
namespace graft::cli {

// Executes graft-engine with these arguments (OpenMP's passive wait policy chosen first);
// throws std::runtime_error when it cannot be found or started.
[[noreturn]] void hand_over_to_engine(char** argv);

}  // namespace graft::cli
