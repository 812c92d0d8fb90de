#pragma once
// A rendezvous port for a job on this machine. Free of LibTorch, like world.hpp.

namespace graft::distributed {

// A TCP port on 127.0.0.1 that nobody listens on now (the kernel's pick, as torchrun does).
// Throws std::runtime_error when no socket can be opened.
int free_loopback_port();

}  // namespace graft::distributed
