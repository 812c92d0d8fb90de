#pragma once
// Visibility of the SDK's own symbols. Interfaces keep their key functions (virtual destructors)
// in libgraft_sdk.so so that RTTI and exceptions have exactly one home across plugin libraries.
#if defined(_WIN32)
#  if defined(GRAFT_SDK_BUILDING)
#    define GRAFT_SDK_API __declspec(dllexport)
#  else
#    define GRAFT_SDK_API __declspec(dllimport)
#  endif
#else
#  define GRAFT_SDK_API __attribute__((visibility("default")))
#endif
