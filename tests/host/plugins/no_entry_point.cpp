// A shared library that is not a graft plugin: it exports a function, but no manifest.
extern "C" __attribute__((visibility("default"))) int graft_test_not_a_plugin() { return 42; }
