// A library built for another graft: the manifest is written by hand (as a plugin built against
// another SDK would have it) so its first two fields can differ from this host's. Built twice:
// GRAFT_TEST_OTHER_ABI gives the next ABI version, GRAFT_TEST_OTHER_FINGERPRINT another
// LibTorch and compiler. The other-ABI build carries a foreign fingerprint as well, so the test
// can tell that the ABI version is checked first.
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
#else
#  error "define GRAFT_TEST_OTHER_ABI or GRAFT_TEST_OTHER_FINGERPRINT"
#endif

const graft::PluginDescriptor kDescriptors[] = {
    graft::describe<graft_test::ConstantScheduler>("test_foreign", "1.0.0", "Must never load")};
const graft_plugin_manifest_v kManifest{kAbiVersion, kFingerprint, 1, kDescriptors};

}  // namespace

extern "C" __attribute__((visibility("default"))) const graft_plugin_manifest_v* GRAFT_PLUGIN_ENTRY_POINT() {
  return &kManifest;
}
