#include <catch2/catch.hpp>

#include "experiment/experiment.hpp"

using graft::experiment::nearest;

TEST_CASE("nearest suggests within max(1, len/3) edits", "[experiment][suggestions]") {
  CHECK(nearest("epochz", {"epochs", "lr"}) == "epochs");
  CHECK(nearest("resnt", {"small_cnn", "resnet"}) == "resnet");
  CHECK(nearest("trian", {"dataset", "train"}) == "train");  // swapping neighbours is one edit
  CHECK(nearest("xyzzy", {"epochs", "lr"}) == std::nullopt);
  CHECK(nearest("ab", {"xy"}) == std::nullopt);
  CHECK(nearest("a", {"b"}) == "b");  // one edit is always allowed
}

TEST_CASE("nearest breaks ties by candidate order and ignores case", "[experiment][suggestions]") {
  CHECK(nearest("adamm", {"sgd", "adam", "adamw"}) == "adam");
  CHECK(nearest("adamm", {"adamw", "adam"}) == "adamw");
  CHECK(nearest("LR", {"lr"}) == "lr");
}

TEST_CASE("nearest finds snake_case names that share their first words", "[experiment][suggestions]") {
  CHECK(nearest("lr_rate", {"epochs", "lr"}) == "lr");
  CHECK(nearest("batch", {"batch_size"}) == "batch_size");
  CHECK(nearest("size", {"batch_size"}) == std::nullopt);
}

TEST_CASE("nearest finds a key written out whose name is its initials", "[experiment][suggestions]") {
  CHECK(nearest("learning_rate", {"epochs", "lr"}) == "lr");
  CHECK(nearest("train.learning_rate", {"train.epochs", "train.lr"}) == "train.lr");
  CHECK(nearest("wd", {"weight_decay", "lr"}) == "weight_decay");
  CHECK(nearest("model.learning_rate", {"train.lr"}) == std::nullopt);  // another table's key
}
