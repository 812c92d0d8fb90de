// A library built for another graft: the manifest is written by hand (as a plugin built against
// another SDK would have it) so its first two fields can differ from this host's. Built twice:
// GRAFT_TEST_OTHER_ABI gives the next ABI version, GRAFT_TEST_OTHER_FINGERPRINT another
// LibTorch and compiler. The other-ABI build carries a foreign fingerprint as well, so the test
// can tell that the ABI version is checked first. Built without LibTorch (TORCH_FREE):
// GRAFT_TEST_TORCH_FREE_MODEL claims a model, GRAFT_TEST_TORCH_FREE_OTHER_COMPILER another compiler.
#include "constant_scheduler.hpp"
#include "graft/plugin.hpp"

namespace {

constexpr const char* kForeignFingerprint = "libtorch 2.1; gcc 13; cxx11abi 1";

#if defined(GRAFT_TEST_OTHER_ABI)
constexpr std::uint32_t kAbiVersion = graft::kSdkAbiVersion + 1;
constexpr const char* kFingerprint = kForeignFingerprint;
#elif defined(GRAFT_TEST_OTHER_FINGERPRINT)
constexpr std::uint32_t kAbiVersion = graft::kSdkAbiVersion;
constexpr const char* kFingerprint = kForeignFingerprint;
#elif defined(GRAFT_TEST_TORCH_FREE_MODEL)
constexpr std::uint32_t kAbiVersion = graft::kSdkAbiVersion;
constexpr const char* kFingerprint = GRAFT_BUILD_FINGERPRINT;  // "no libtorch; <this compiler>"
#elif defined(GRAFT_TEST_TORCH_FREE_OTHER_COMPILER)
constexpr std::uint32_t kAbiVersion = graft::kSdkAbiVersion;
constexpr const char* kFingerprint = GRAFT_FINGERPRINT_NO_TORCH "; gcc 3; cxx11abi 1";
#else
#  error "define GRAFT_TEST_OTHER_ABI, GRAFT_TEST_OTHER_FINGERPRINT or a GRAFT_TEST_TORCH_FREE_ variant"
#endif

constexpr graft::PluginDescriptor descriptor() {
  graft::PluginDescriptor out = graft::describe<graft_test::ConstantScheduler>("test_foreign", "1.0.0", "Must never load");
#if defined(GRAFT_TEST_TORCH_FREE_MODEL)
  out.kind = graft::PluginKind::Model;  // what a model built without LibTorch would claim
#endif
  return out;
}

const graft::PluginDescriptor kDescriptors[] = {descriptor()};
const graft_plugin_manifest_v kManifest{kAbiVersion, kFingerprint, 1, kDescriptors};

}  // namespace

extern "C" __attribute__((visibility("default"))) const graft_plugin_manifest_v* GRAFT_PLUGIN_ENTRY_POINT() {
  return &kManifest;
}
