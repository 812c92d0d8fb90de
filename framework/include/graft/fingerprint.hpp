#pragma once
// The build fingerprint: what must match between the host and a plugin besides the SDK ABI
// version for C++ objects (tensors, std::string, std::vector) to cross the library boundary.
// Computed at compile time in whichever binary includes this header. A binary built without
// LibTorch's headers (graft_add_plugin's TORCH_FREE) says "no libtorch": it passes no tensor
// across the boundary, and the host accepts it whatever its own LibTorch (schedulers only).
#if __has_include(<torch/version.h>)
#  include <torch/version.h>
#endif

#define GRAFT_STRINGIFY_(x) #x
#define GRAFT_STRINGIFY(x) GRAFT_STRINGIFY_(x)

#define GRAFT_FINGERPRINT_NO_TORCH "no libtorch"

#if defined(TORCH_VERSION_MAJOR)
#  define GRAFT_FINGERPRINT_TORCH \
    "libtorch " GRAFT_STRINGIFY(TORCH_VERSION_MAJOR) "." GRAFT_STRINGIFY(TORCH_VERSION_MINOR)
#else
#  define GRAFT_FINGERPRINT_TORCH GRAFT_FINGERPRINT_NO_TORCH
#endif

#if defined(__clang__)
#  define GRAFT_FINGERPRINT_COMPILER "clang " GRAFT_STRINGIFY(__clang_major__)
#elif defined(__GNUC__)
#  define GRAFT_FINGERPRINT_COMPILER "gcc " GRAFT_STRINGIFY(__GNUC__)
#else
#  define GRAFT_FINGERPRINT_COMPILER "unknown compiler"
#endif

#if defined(_GLIBCXX_USE_CXX11_ABI)
#  define GRAFT_FINGERPRINT_CXXABI "cxx11abi " GRAFT_STRINGIFY(_GLIBCXX_USE_CXX11_ABI)
#else
#  define GRAFT_FINGERPRINT_CXXABI "cxx11abi -"
#endif

#define GRAFT_BUILD_FINGERPRINT \
  GRAFT_FINGERPRINT_TORCH "; " GRAFT_FINGERPRINT_COMPILER "; " GRAFT_FINGERPRINT_CXXABI
