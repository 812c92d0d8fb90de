#include <catch2/catch.hpp>

#include "graft/errors.hpp"
#include "graft/params.hpp"

using namespace graft;

TEST_CASE("ParamSpec::check reports type, range and choice problems") {
  const auto epochs = int_param("epochs", 10, "passes").between(1, 100);
  CHECK(epochs.check(ParamValue{std::int64_t{5}}).empty());
  CHECK(epochs.check(ParamValue{std::int64_t{0}}) == "'epochs' must be >= 1, got 0");
  CHECK(epochs.check(ParamValue{std::int64_t{101}}) == "'epochs' must be <= 100, got 101");
  CHECK(epochs.check(ParamValue{std::string("ten")}) == "'epochs' must be an int, got a string (\"ten\")");

  const auto optimizer = string_param("optimizer", "adamw", "which").one_of({"sgd", "adamw"});
  CHECK(optimizer.check(ParamValue{std::string("adam")}) == "'optimizer' must be one of \"sgd\", \"adamw\", got \"adam\"");

  const auto classes = int_list_param("classes", {}, "subset").at_least(0);
  CHECK(classes.check(ParamValue{std::vector<std::int64_t>{1, -2}}) == "'classes' must be >= 0, got -2");
}

TEST_CASE("above() and below() are exclusive bounds; between() and at_least() stay inclusive") {
  const auto divisor = float_param("div_factor", 25, "divides the LR").above(0);
  CHECK(divisor.check(ParamValue{0.0}) == "'div_factor' must be > 0, got 0");
  CHECK(divisor.check(ParamValue{-1.0}) == "'div_factor' must be > 0, got -1");
  CHECK(divisor.check(ParamValue{1e-12}).empty());

  const auto decay = float_param("decay", 0.5, "per group").between(0, 1).above(0);  // (0, 1]
  CHECK(decay.check(ParamValue{0.0}) == "'decay' must be > 0, got 0");
  CHECK(decay.check(ParamValue{1.0}).empty());
  CHECK(decay.check(ParamValue{1.5}) == "'decay' must be <= 1, got 1.5");

  const auto factor = float_param("factor", 0.1, "per plateau").between(0, 1).below(1);  // [0, 1)
  CHECK(factor.check(ParamValue{0.0}).empty());
  CHECK(factor.check(ParamValue{1.0}) == "'factor' must be < 1, got 1");

  const auto widened = factor.between(0, 2);  // a later inclusive bound replaces the exclusive one
  CHECK(widened.check(ParamValue{1.0}).empty());
  CHECK_FALSE(widened.min_exclusive);
  CHECK_FALSE(widened.max_exclusive);

  const auto weights = float_list_param("weights", {1.0}, "per task").above(0);  // each element
  CHECK(weights.check(ParamValue{std::vector<double>{1.0, 0.0}}) == "'weights' must be > 0, got 0");
}

TEST_CASE("Params getters are typed and name the key when wrong") {
  Params params = Params::defaults({int_param("depth", 18, ""), float_param("lr", 1e-3, ""),
                                    int_list_param("classes", {1, 2}, ""), required_param("path", ParamType::String, "")});
  CHECK(params.get_int("depth") == 18);
  CHECK(params.get_float("depth") == 18.0);  // ints widen to floats
  CHECK(params.get_float_list("classes") == std::vector<double>{1.0, 2.0});
  CHECK_FALSE(params.has("path"));            // required keys have no default
  CHECK_THROWS_WITH(params.get_string("path"), "parameter 'path' is not set");
  CHECK_THROWS_AS(params.get_int("lr"), ParamError);
  CHECK_THROWS_WITH(params.get_int("lr"), "parameter 'lr' is a float, not an int");
}

TEST_CASE("to_toml writes values that read back as the same TOML type") {
  CHECK(to_toml(ParamValue{1.0}) == "1.0");
  CHECK(to_toml(ParamValue{3e-4}) == "0.0003");
  CHECK(to_toml(ParamValue{std::int64_t{3}}) == "3");
  CHECK(to_toml(ParamValue{std::string("a\"b")}) == "\"a\\\"b\"");
  CHECK(to_toml(ParamValue{std::vector<std::string>{"x", "y"}}) == "[\"x\", \"y\"]");
  CHECK(to_toml(ParamValue{true}) == "true");
  CHECK(to_display(ParamValue{std::string("full")}) == "full");
}

TEST_CASE("without_repeats() refuses a list that names an element twice, with both positions") {
  const auto classes = int_list_param("classes", {}, "subset").at_least(0).without_repeats();
  CHECK(classes.check(ParamValue{std::vector<std::int64_t>{5, 6, 7}}).empty());
  CHECK(classes.check(ParamValue{std::vector<std::int64_t>{1, 2, 1}}) ==
        "'classes' lists 1 twice (items 1 and 3); name each once");
  CHECK(classes.check(ParamValue{std::vector<std::int64_t>{1, -1}}) == "'classes' must be >= 0, got -1");  // range first
  std::vector<std::int64_t> many(200000, 1);
  CHECK(classes.check(ParamValue{many}) == "'classes' lists 1 twice (items 1 and 2); name each once");

  const auto groups = string_list_param("groups", {}, "which").without_repeats();
  CHECK(groups.check(ParamValue{std::vector<std::string>{"a", "b", "b"}}) ==
        "'groups' lists b twice (items 2 and 3); name each once");
  CHECK(string_list_param("names", {}, "free").check(ParamValue{std::vector<std::string>{"x", "x"}}).empty());
}
