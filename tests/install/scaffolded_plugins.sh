#!/usr/bin/env bash
# usage: scaffolded_plugins.sh BUILD_DIR CMAKE CTEST
# What docs/writing-plugins.md tells a plugin author to do, checked step by step: install graft,
# `graft new plugin` for each kind, build against the installed SDK, unit test, run the
# experiment through GRAFT_PLUGIN_PATH, find the run in the store. Then the ABI refusal.
# Set GRAFT_KEEP_TEST_DIR=1 to keep the temporary folder for a look after a failure.
set -euo pipefail
build=$(cd "$1" && pwd)
cmake=$2
ctest=$3

work=$(mktemp -d "${TMPDIR:-/tmp}/graft-install-test.XXXXXX")
if [ -z "${GRAFT_KEEP_TEST_DIR:-}" ]; then trap 'rm -rf "$work"' EXIT; fi
prefix=$work/prefix
graft=$prefix/bin/graft
store=$work/graft.db

step() { echo "== $(date +%T) $*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }
# Runs a command quietly; on failure shows its output and fails with `what`.
quiet() {
  local what=$1; shift
  "$@" > "$work/last.log" 2>&1 || { cat "$work/last.log" >&2; fail "$what"; }
}
# The environment of a user: nothing of the build tree, no plugin path unless given.
user() { env -u LD_LIBRARY_PATH -u GRAFT_PLUGIN_PATH -u GRAFT_DB "$@"; }

step "install $build to $prefix"
quiet "cmake --install" "$cmake" --install "$build" --prefix "$prefix"
for file in "$graft" "$prefix/libexec/graft/graft-engine" "$prefix/lib/graft/plugins/graft_small_cnn.so" "$prefix/include/graft/plugin.hpp" \
            "$prefix"/lib*/cmake/graft/graftConfig.cmake "$prefix"/lib*/cmake/graft/GraftPlugin.cmake; do
  [ -e "$file" ] || fail "not installed: $file"
done

step "the installed graft finds libgraft_sdk.so and its built-in plugins by itself"
user "$graft" plugins list > "$work/list.out" 2> "$work/list.err" || { cat "$work/list.err" >&2; fail "graft plugins list"; }
for plugin in small_cnn idx full constant step cosine; do
  grep -q "$prefix/lib/graft/plugins/graft_$plugin.so" "$work/list.out" || fail "built-in plugin $plugin not listed"
done
[ ! -s "$work/list.err" ] || { cat "$work/list.err" >&2; fail "graft plugins list warned"; }

step "graft new plugin refuses bad names and non-empty folders (exit 2)"
mkdir -p "$work/taken" && touch "$work/taken/file"
for args in "--kind model --name My-Model" "--kind model --name test" "--kind model --name ok --dir $work/taken"; do
  status=0
  # shellcheck disable=SC2086  # split on purpose
  (cd "$work" && user "$graft" new plugin $args) > "$work/new.out" 2> "$work/new.err" || status=$?
  [ "$status" = 2 ] || fail "graft new plugin $args: exit $status, expected 2"
  grep -q "^error: " "$work/new.err" || fail "graft new plugin $args: no error message"
done

# kind -> a plugin name
declare -A names=([model]=tiny_mlp [dataset]=csv_rows [strategy]=freeze_groups [scheduler]=warmup_hold)
for kind in model dataset strategy scheduler; do
  name=${names[$kind]}
  project=$work/$name
  step "$kind '$name': scaffold"
  (cd "$work" && quiet "graft new plugin --kind $kind" user "$graft" new plugin --kind "$kind" --name "$name")
  for file in CMakeLists.txt README.md experiment.toml "src/$name.cpp" "tests/${name}_test.cpp"; do
    [ -s "$project/$file" ] || fail "$kind scaffold lacks $file"
  done

  step "$kind '$name': configure and build against $prefix"
  quiet "configure $name" user "$cmake" -S "$project" -B "$project/build" -G Ninja -DCMAKE_PREFIX_PATH="$prefix"
  quiet "build $name" user "$cmake" --build "$project/build" -j 2
  [ -f "$project/build/plugins/graft_$name.so" ] || fail "no build/plugins/graft_$name.so"

  step "$kind '$name': unit test"
  quiet "unit test of $name" user "$ctest" --test-dir "$project/build" --output-on-failure

  step "$kind '$name': describe and run the experiment"
  user env GRAFT_PLUGIN_PATH="$project/build/plugins" "$graft" plugins describe "$name" --kind "$kind" > "$work/describe.out" \
    || fail "graft plugins describe $name"
  grep -q "$project/build/plugins/graft_$name.so" "$work/describe.out" || fail "describe $name: not the scaffold's library"
  (cd "$project" && quiet "graft run for $name" \
    user env GRAFT_PLUGIN_PATH="$project/build/plugins" "$graft" --db "$store" run experiment.toml)

  step "$kind '$name': the run is in the store, with this plugin"
  user "$graft" --db "$store" query --csv \
    "SELECT o.status, p.name, p.path FROM run_overview o JOIN run_plugins p ON p.run_id = o.run_id
     WHERE o.experiment = '$name-demo' AND p.kind = '$kind'" > "$work/query.out" || fail "graft query"
  grep -qx "completed,$name,$project/build/plugins/graft_$name.so" "$work/query.out" \
    || { cat "$work/query.out" >&2; fail "no completed run of $name-demo with $project/build/plugins/graft_$name.so"; }
done

step "every run, as graft runs lists them"
user "$graft" --db "$store" runs
[ "$(user "$graft" --db "$store" runs --status completed --csv | tail -n +2 | wc -l)" = 4 ] || fail "expected 4 completed runs"

step "a plugin built for another SDK ABI version is refused, naming the file and both versions"
project=$work/${names[scheduler]}
quiet "configure with GRAFT_SDK_ABI_VERSION_OVERRIDE" \
  user "$cmake" -S "$project" -B "$work/foreign" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" -DGRAFT_SDK_ABI_VERSION_OVERRIDE=99
quiet "build the foreign plugin" user "$cmake" --build "$work/foreign" --target "${names[scheduler]}"
foreign=$work/foreign/plugins/graft_${names[scheduler]}.so
user "$graft" plugins list --plugin-path "$work/foreign/plugins" > "$work/foreign.out" 2> "$work/foreign.err" \
  || fail "graft plugins list with a foreign plugin must still succeed"
abi=$(sed -n 's/.*kSdkAbiVersion = \([0-9]*\);.*/\1/p' "$prefix/include/graft/plugin.hpp")
expected="$foreign: built for graft SDK ABI 99, this graft uses ABI $abi; rebuild the plugin against this SDK"
grep -qF "$expected" "$work/foreign.err" || { cat "$work/foreign.err" >&2; fail "expected the warning: $expected"; }
grep -q small_cnn "$work/foreign.out" || fail "the other plugins must still load"
status=0
(cd "$project" && user env GRAFT_PLUGIN_PATH="$work/foreign/plugins" "$graft" validate experiment.toml) \
  > "$work/validate.out" 2> "$work/validate.err" || status=$?
[ "$status" = 2 ] || fail "validate with only the foreign scheduler: exit $status, expected 2"
grep -qF "$expected" "$work/validate.err" || { cat "$work/validate.err" >&2; fail "validate must say why"; }

step "all good"
