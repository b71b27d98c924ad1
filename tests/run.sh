#!/usr/bin/env bash
# Runs every test: the unit tests (built with ASan + UBSan) and each integration script against
# a real server. Prints one "ok - ..." / "not ok - ..." line per check and closes with
# "N passed, N failed". Exit status 0 only when nothing failed.
set -u
cd "$(dirname "$0")/.."
LOG=$(mktemp -d /tmp/cairn-test-XXXXXX)
only_integration=0
[ "${1:-}" = "--integration-only" ] && only_integration=1

if [ $only_integration = 0 ]; then
  echo "# unit tests (ASan + UBSan)"
  ASAN_OPTIONS=detect_leaks=1 ./build/unit-tests > "$LOG/unit.out" 2>&1
  urc=$?
  grep -E '^(ok|not ok) - ' "$LOG/unit.out"
  if [ $urc -ne 0 ]; then
    grep -v -E '^(ok|not ok) - ' "$LOG/unit.out" | head -40
    grep -q '^not ok' "$LOG/unit.out" || echo "not ok - unit test binary exited $urc (sanitizer report above)"
  fi
  cat "$LOG/unit.out" | grep -E '^(ok|not ok) - ' > "$LOG/results"
  [ $urc -ne 0 ] && ! grep -q '^not ok' "$LOG/unit.out" && echo "not ok - unit sanitizer" >> "$LOG/results"
fi

if [ $only_integration = 0 ]; then
  echo "# clang build (-Wall -Wextra -Werror)"
  if make --no-print-directory clang-check > "$LOG/clang.out" 2>&1; then echo "ok - builds with clang"; else
    tail -20 "$LOG/clang.out"; echo "not ok - builds with clang"; fi | tee -a "$LOG/results"
fi

for t in tests/integration/test_*.sh; do
  echo "# $(basename "$t")"
  start=$(date +%s)
  bash "$t" > "$LOG/$(basename "$t").out" 2>&1
  rc=$?
  grep -E '^(ok|not ok) - ' "$LOG/$(basename "$t").out" | tee -a "$LOG/results"
  if [ $rc -ne 0 ] || grep -q '^not ok' "$LOG/$(basename "$t").out"; then
    echo "## output of $(basename "$t") (exit $rc):"
    tail -60 "$LOG/$(basename "$t").out" | sed 's/^/##   /'
    [ $rc -ne 0 ] && ! grep -q '^not ok' "$LOG/$(basename "$t").out" && echo "not ok - $(basename "$t") exited $rc" | tee -a "$LOG/results"
  fi
  echo "#   ($(( $(date +%s) - start ))s)"
done

passed=$(grep -c '^ok - ' "$LOG/results" || true)
failed=$(grep -c '^not ok - ' "$LOG/results" || true)
echo "${passed} passed, ${failed} failed"
rm -rf "$LOG"
[ "$failed" -eq 0 ]
