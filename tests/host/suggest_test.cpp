#include <catch2/catch.hpp>

#include "host/suggest.hpp"

using graft::host::closest;
using graft::host::did_you_mean;
using graft::host::edit_distance;
using graft::host::join;

TEST_CASE("edit_distance counts insertions, deletions and substitutions") {
  CHECK(edit_distance("", "") == 0);
  CHECK(edit_distance("resnet", "resnet") == 0);
  CHECK(edit_distance("resnt", "resnet") == 1);
  CHECK(edit_distance("kitten", "sitting") == 3);
  CHECK(edit_distance("", "abc") == 3);
  CHECK(edit_distance("abc", "") == 3);
}

TEST_CASE("closest suggests near misses only, ignoring case") {
  const std::vector<std::string> names{"alexnet", "resnet", "vit"};
  CHECK(closest("resnt", names) == "resnet");
  CHECK(closest("ResNet", names) == "resnet");
  CHECK(closest("vgg", names) == std::nullopt);
  CHECK(closest("bert", names) == std::nullopt);
  CHECK(closest("x", {}) == std::nullopt);
  CHECK(closest("ab", {"ax", "ay"}) == "ax");  // ties go to the first candidate
}

TEST_CASE("did_you_mean and join format message parts") {
  CHECK(did_you_mean("resnt", {"alexnet", "resnet"}) == " (did you mean 'resnet'?)");
  CHECK(did_you_mean("bert", {"alexnet", "resnet"}).empty());
  CHECK(join({"a", "b", "c"}) == "a, b, c");
  CHECK(join({"", "b"}, " or ") == " or b");
  CHECK(join({}).empty());
}
