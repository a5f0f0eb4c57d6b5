#!/usr/bin/env bash
# Fuzzes the core's parsers with cargo-fuzz (crate/fuzz/, nightly toolchain), one target at a time.
#
#   scripts/fuzz.sh                      every target, 10 million executions each
#   scripts/fuzz.sh --runs 1000000 url   one target, a million executions
#   scripts/fuzz.sh --time 600           every target, ten minutes each (with --runs: whichever first)
#   scripts/fuzz.sh dnr -- -max_len=1024 extra libFuzzer options after --
#
# Installs cargo-fuzz from crates.io when it is missing. Each target starts from its committed
# seeds (crate/fuzz/seeds/<target>) and keeps what it learns in crate/fuzz/corpus/<target>;
# a crash is saved in crate/fuzz/artifacts/<target>/ and stops the run with libFuzzer's status.
# Safe Rust needs no address sanitizer to be checked, so targets build without one (several
# times faster) but with debug assertions (overflow checks). Runs at the lowest priority, one
# process: the machine stays usable. Prints, per target, the exact executions libFuzzer reports.
set -euo pipefail
cd "$(dirname "$0")/../crate"

runs=10000000
seconds=0
targets=()
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --time) seconds="$2"; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done

command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz
rustup toolchain list | grep -q '^nightly' || { echo "fuzz.sh: needs the nightly toolchain (rustup toolchain install nightly)" >&2; exit 2; }
[ ${#targets[@]} -gt 0 ] || mapfile -t targets < <(cargo +nightly fuzz list)

flags=(--sanitizer none --debug-assertions)
nice -n 19 cargo +nightly fuzz build "${flags[@]}"
logs=fuzz/logs
mkdir -p "$logs"
limit=(-runs="$runs")
[ "$seconds" -gt 0 ] && limit+=(-max_total_time="$seconds")
status=0
for target in "${targets[@]}"; do
  mkdir -p "fuzz/corpus/$target" "fuzz/seeds/$target"
  log="$logs/$target.log"
  inputs=("fuzz/corpus/$target" "fuzz/seeds/$target")
  own=()
  # The HAR reader also starts from the real archives in tests/fixtures/har (7 recorders), cut to
  # their first 64 KB: without them libFuzzer seldom builds a HAR deep enough to reach entries.
  [ "$target" = har ] && { inputs+=(../tests/fixtures/har); own+=(-max_len=65536); }
  # The page-context reader starts from the demo site's pages (a pharmacy, a clinic, hostile ones).
  [ "$target" = page_context ] && inputs+=(../tests/demo/site)
  set +e
  nice -n 19 cargo +nightly fuzz run "${flags[@]}" "$target" "${inputs[@]}" -- \
    "${limit[@]}" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 "${own[@]}" "${extra[@]}" >"$log" 2>&1
  code=$?
  set -e
  done_line=$(grep -E '^Done [0-9]+ runs' "$log" | tail -1 || true)
  if [ "$code" -eq 0 ]; then
    echo "$target: ${done_line:-finished} (no crash)"
  else
    status=1
    echo "$target: FAILED with status $code after $(grep -oE '^#[0-9]+' "$log" | tail -1 || echo '?') executions; see crate/$log"
    grep -E 'artifact_prefix|Test unit written|panicked' "$log" | head -5 || true
  fi
done
exit "$status"
