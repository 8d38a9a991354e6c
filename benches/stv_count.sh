#!/usr/bin/env bash
# STV (Scottish rules, 5 seats) and IRV counts of 1,000,000 ranked papers on 20 candidates
# by `concord tally`, beside the Python baseline pyrankvote counting the same file in the
# same run (issue 5; DESIGN.md section 7: STV under 2 s, IRV and STV well ahead of the
# common Python counters).
#
# Usage: benches/stv_count.sh [RUNS]        (hyperfine runs per Concord command, default 10)
# Environment:
#   CONCORD_BIN=path   the binary to measure; by default `cargo build --release` and
#                      target/release/concord
#   PAPERS=1000000     papers in the generated file        SEED=20240605  generator seed
#   PY_RUNS=1          runs of each pyrankvote count (seconds each), timed by /usr/bin/time
#   PY_TIMEOUT=300     seconds allowed to one pyrankvote count of the full file; past that
#                      both counters are measured again on the first SUBSET papers of the
#                      same file and the ratio is taken there (Concord's full-file figures
#                      are reported either way)
#   SUBSET=100000
# Needs: python3, hyperfine, /usr/bin/time; pyrankvote is installed with
# `pip install --user pyrankvote` when missing (if that fails the baseline is skipped,
# and the script says so).
#
# The file (benches/gen_blt.py) has two slates, a few clear front-runners and partial
# rankings (about 4 preferences on average), one line per paper. The winners are clear
# on purpose: pyrankvote's STV is not the Scottish rule (quota votes/(seats+1) in floating
# point, a surplus shared equally over every paper on the pile whatever its value, bulk
# exclusions), so on a close election the two may rightly differ; the script prints both
# lists and fails if the elected sets differ.
set -euo pipefail
# A relative CONCORD_BIN is taken from where the script was started.
if [ -n "${CONCORD_BIN:-}" ]; then CONCORD_BIN=$(realpath "$CONCORD_BIN"); fi
cd "$(dirname "$0")/.."
runs=${1:-10}
papers=${PAPERS:-1000000}
seed=${SEED:-20240605}
py_runs=${PY_RUNS:-1}
py_timeout=${PY_TIMEOUT:-300}
subset=${SUBSET:-100000}
seats=5

if [ -z "${CONCORD_BIN:-}" ]; then
  cargo build --release -q
  CONCORD_BIN=target/release/concord
fi
bin=$(realpath "$CONCORD_BIN")
here=$(pwd)
work=$(mktemp -d /var/tmp/concord-stv-XXXXXX)
trap 'rm -rf "$work"' EXIT
file="$work/papers.blt"

echo "machine: $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB; $(python3 --version); $(hyperfine --version)"
echo "concord binary: $bin"
t0=$(date +%s%N)
python3 benches/gen_blt.py "$file" --papers "$papers" --seed "$seed" --seats "$seats"
echo "file: $papers papers, 20 candidates, $seats seats, seed $seed: $(du -h "$file" | cut -f1)," \
  "sha256 $(sha256sum "$file" | cut -c1-16)…, generated in $(( ($(date +%s%N) - t0) / 1000000 )) ms"

elected() {  # JSON on stdin -> names of the elected, one line, in order of election
  python3 -c 'import json, sys; print(" | ".join(json.load(sys.stdin)["elected"]))'
}
mean() {  # hyperfine JSON, command name -> mean seconds
  python3 -c 'import json, sys; r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}[sys.argv[2]]
print("%.3f" % r["mean"])' "$1" "$2"
}
peak_kib() { /usr/bin/time -f '%M' -o "$work/time" "$@" >/dev/null && cat "$work/time"; }

stv=("$bin" tally "$file" --method stv --seats "$seats" --json)
irv=("$bin" tally "$file" --method irv --seats 1 --json)
c_stv=$("${stv[@]}" | elected)
c_irv=$("${irv[@]}" | elected)

echo
echo "== Concord, $papers papers (whole process: read, parse, count, print the JSON result)"
hyperfine -N --style basic --warmup 1 --runs "$runs" --export-json "$work/concord.json" \
  -n "concord stv" "${stv[*]}" -n "concord irv" "${irv[*]}"
echo "peak resident memory: stv $(peak_kib "${stv[@]}") KiB, irv $(peak_kib "${irv[@]}") KiB"

if ! python3 -c 'import pyrankvote' 2>/dev/null; then
  echo "pyrankvote is missing: pip install --user pyrankvote"
  pip install --user --quiet pyrankvote || python3 -m pip install --user --quiet pyrankvote || true
fi
if ! python3 -c 'import pyrankvote' 2>/dev/null; then
  echo
  echo "BASELINE SKIPPED: pyrankvote could not be installed with pip; Concord's figures above stand alone."
  echo "elected (concord stv): $c_stv"
  echo "elected (concord irv): $c_irv"
  exit 0
fi
py=(python3 "$here/benches/pyrankvote_count.py")
version=$(python3 -c 'import importlib.metadata as m; print(m.version("pyrankvote"))')
py_count() {  # FILE METHOD [TIMEOUT] -> py_json (its output), py_secs (mean wall seconds), py_kib (peak)
  local total=0 s limit=${3:-0}
  for _ in $(seq "$py_runs"); do
    py_json=$(timeout "$limit" /usr/bin/time -f '%e %M' -o "$work/pytime" \
      "${py[@]}" "$1" --method "$2" --seats "$seats") || return 1
    read -r s py_kib <"$work/pytime"
    total=$(awk "BEGIN {print $total + $s}")
  done
  py_secs=$(awk "BEGIN {printf \"%.3f\", $total / $py_runs}")
  echo "pyrankvote $2: $py_secs s (mean of $py_runs, wall clock by /usr/bin/time), peak $py_kib KiB; $py_json"
}

echo
echo "== pyrankvote $version, $papers papers (whole process, the same file; timeout ${py_timeout} s)"
size=$papers
if py_count "$file" stv "$py_timeout"; then
  p_stv_json=$py_json ps=$py_secs
  py_count "$file" irv "$py_timeout"
  p_irv_json=$py_json pi=$py_secs
  cs=$(mean "$work/concord.json" "concord stv"); ci=$(mean "$work/concord.json" "concord irv")
else
  size=$subset
  echo "pyrankvote did not finish $papers papers within ${py_timeout} s:" \
    "both counters are measured on the first $subset papers of the same file"
  sub="$work/subset.blt"
  python3 benches/gen_blt.py "$sub" --papers "$subset" --seed "$seed" --seats "$seats"
  py_count "$sub" stv
  p_stv_json=$py_json ps=$py_secs
  py_count "$sub" irv
  p_irv_json=$py_json pi=$py_secs
  hyperfine -N --style basic --warmup 1 --runs "$runs" --export-json "$work/subset.json" \
    -n "concord stv" "$bin tally $sub --method stv --seats $seats --json" \
    -n "concord irv" "$bin tally $sub --method irv --seats 1 --json"
  cs=$(mean "$work/subset.json" "concord stv"); ci=$(mean "$work/subset.json" "concord irv")
  c_stv=$("$bin" tally "$sub" --method stv --seats "$seats" --json | elected)
  c_irv=$("$bin" tally "$sub" --method irv --seats 1 --json | elected)
fi
p_stv=$(echo "$p_stv_json" | elected)
p_irv=$(echo "$p_irv_json" | elected)

echo
echo "== Summary ($size papers for the comparison)"
echo "Concord on $papers papers: stv $(mean "$work/concord.json" "concord stv") s (target < 2 s), irv $(mean "$work/concord.json" "concord irv") s"
echo "stv: concord $cs s, pyrankvote $ps s: concord is $(awk "BEGIN {printf \"%.1f\", $ps/$cs}") times faster"
echo "irv: concord $ci s, pyrankvote $pi s: concord is $(awk "BEGIN {printf \"%.1f\", $pi/$ci}") times faster"
echo "elected, stv (in order of election):"
echo "  concord    (Scottish STV): $c_stv"
echo "  pyrankvote (its own STV):  $p_stv"
echo "elected, irv:"
echo "  concord:    $c_irv"
echo "  pyrankvote: $p_irv"
same_set() { [ "$(tr '|' '\n' <<<"$1" | sed 's/^ *//; s/ *$//' | sort)" = "$(tr '|' '\n' <<<"$2" | sed 's/^ *//; s/ *$//' | sort)" ]; }
if same_set "$c_stv" "$p_stv" && same_set "$c_irv" "$p_irv"; then
  echo "both counters elect the same candidates"
else
  echo "THE COUNTERS DISAGREE. pyrankvote's STV is not the Scottish rule (see the head of this script and"
  echo "benches/pyrankvote_count.py); compare the round tables before trusting either figure:"
  echo "  $bin tally FILE --method stv --seats $seats"
  exit 1
fi
