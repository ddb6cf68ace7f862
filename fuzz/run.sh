#!/usr/bin/env bash
# Runs every libFuzzer target of a FERRY_FUZZ build on a copy of its seed corpus.
#   fuzz/run.sh BUILD_DIR SECONDS [RUNS]
# Each target runs for SECONDS (-max_total_time), or until RUNS executions when RUNS is
# given. New corpus entries and crash inputs go under BUILD_DIR/fuzz-work/, never into the
# repository. Exits non-zero when any target crashed (ASan, UBSan, abort, leak, timeout,
# out of memory); the others still run. Prints one summary line per target.
# FUZZ_TARGETS="a_fuzzer b_fuzzer" runs only those.
set -uo pipefail
cd "$(dirname "$0")/.."
build=${1:?usage: fuzz/run.sh BUILD_DIR SECONDS [RUNS]}
seconds=${2:?usage: fuzz/run.sh BUILD_DIR SECONDS [RUNS]}
runs=${3:-}
work="$build/fuzz-work"
# Symbolized stack traces in crash reports.
symbolizer=/usr/lib/llvm-14/bin/llvm-symbolizer
[ -x "$symbolizer" ] && export ASAN_SYMBOLIZER_PATH="$symbolizer"
mkdir -p "$work"

failed=()
summary=()
for source in fuzz/*_fuzzer.cc; do
  name=$(basename "$source" .cc)
  if [ -n "${FUZZ_TARGETS:-}" ] && [[ " $FUZZ_TARGETS " != *" $name "* ]]; then continue; fi
  binary="$build/fuzz/$name"
  [ -x "$binary" ] || { echo "missing $binary (build the 'fuzzers' target)"; exit 2; }
  corpus="$work/$name/corpus"
  rm -rf "$work/$name/artifacts"
  mkdir -p "$corpus" "$work/$name/artifacts"
  cp -r "fuzz/corpus/$name/." "$corpus/"
  args=(-max_total_time="$seconds" -timeout=25 -rss_limit_mb=2048 -print_final_stats=1
        -artifact_prefix="$work/$name/artifacts/")
  [ -n "$runs" ] && args+=(-runs="$runs")
  log="$work/$name/last.log"
  echo "== $name: ${runs:+$runs runs, at most }${seconds}s"
  start=$(date +%s)
  "$binary" "${args[@]}" "$corpus" >"$log" 2>&1
  rc=$?
  elapsed=$(( $(date +%s) - start ))
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
  line="$name: ${execs:-?} executions in ${elapsed}s (${rate:-?}/s), rc=$rc"
  summary+=("$line")
  echo "$line"
  if [ "$rc" -ne 0 ]; then
    failed+=("$name")
    tail -n 60 "$log"
    echo "crash input(s): $(ls "$work/$name/artifacts/" | tr '\n' ' ')"
  fi
done

echo "== summary"
printf '%s\n' "${summary[@]}"
if [ ${#failed[@]} -ne 0 ]; then
  echo "FAILED: ${failed[*]} (logs and inputs under $work/)"
  exit 1
fi
echo "no crash"
