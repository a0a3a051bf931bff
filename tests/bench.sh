#!/usr/bin/env bash
# bench.sh — the throughput benchmark (SPEC section 11).
#
#   tests/bench.sh [-n MESSAGES] [-j THREADS] [--keep] [CHATAUDIT]
#
# Makes a corpus with gen_corpus (a zip of per-group MemoTrace and PyWxDump
# CSVs, 300 groups, 2 000 employees) unless build/bench/ already holds one
# of that size, then measures in the same run:
#   unzip     unzip -p corpus.zip > /dev/null          (decompression alone)
#   import    chataudit import -o /dev/null corpus.zip
#   run-j1    chataudit run -c CONFIG --no-ledger -j 1 corpus.zip (CONFIG: samples/config with
#             the corpus's roster and groups; reports in build/bench/run)
#   run-jN    the same with -j N (default 2)
#   verify    chataudit verify -c samples/config SCREENSHOT corpus.zip: a
#             screenshot of three consecutive text messages of one group of
#             the corpus, one word added (verdict altered); after the table a
#             line gives the time verify took after the import (building the
#             signature index + the search), the figure SPEC §8 / issue 7
#             bound to one second
#   nolex-j1  run -j 1 with the sample configuration but no lexicons at all
#   lex10k-j1 run -j 1 with the sample lexicons plus a generated 10 000-term
#             lexicon (as redline.politics); the lexicon overhead of SPEC
#             section 11 is lex10k-j1 / nolex-j1 - 1
# and prints for each the wall time, messages/s, MB/s of the zip and of the
# CSV it holds, peak RSS, and the ratio to the baseline.
#
#   -n MESSAGES  corpus size (default 1000000)
#   -j THREADS   passed to chataudit as -j THREADS
#   --keep       keep a corpus this run generated (default: remove it at the
#                end; a corpus that was already there is always kept)
#   CHATAUDIT    the binary (default build/chataudit); gen_corpus is looked
#                for next to it, then in build/, and built with CMake if absent
#
# Peak RSS needs GNU time (/usr/bin/time, Debian package "time"); without it
# the column shows n/a.  The corpus is read once before timing so that both
# runs start from a warm page cache.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
n=1000000
threads=
keep=0
bin=

usage() {
    sed -n '2,24s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
}

while [ $# -gt 0 ]; do
    case $1 in
    -n) [ $# -ge 2 ] || { echo "bench.sh: -n needs a number" >&2; exit 1; }; n=$2; shift 2 ;;
    -n*) n=${1#-n}; shift ;;
    -j) [ $# -ge 2 ] || { echo "bench.sh: -j needs a number" >&2; exit 1; }; threads=$2; shift 2 ;;
    -j*) threads=${1#-j}; shift ;;
    --keep) keep=1; shift ;;
    -h | --help) usage; exit 0 ;;
    -*) echo "bench.sh: unknown option $1" >&2; usage >&2; exit 1 ;;
    *) [ -z "$bin" ] || { echo "bench.sh: one CHATAUDIT binary expected, found also $1" >&2; exit 1; }
       bin=$1; shift ;;
    esac
done
case $n in '' | *[!0-9]*) echo "bench.sh: -n: expected a number, found \"$n\"" >&2; exit 1 ;; esac
[ "$n" -gt 0 ] || { echo "bench.sh: -n: expected a number > 0" >&2; exit 1; }
if [ -n "$threads" ]; then
    case $threads in *[!0-9]* | 0) echo "bench.sh: -j: expected a number > 0, found \"$threads\"" >&2; exit 1 ;; esac
fi

build=$root/build
bin=${bin:-$build/chataudit}
gen=
for cand in "$(dirname "$bin")/gen_corpus" "$build/gen_corpus"; do
    if [ -x "$cand" ]; then gen=$cand; break; fi
done
if [ ! -x "$bin" ] || [ -z "$gen" ]; then
    echo "bench.sh: building chataudit and gen_corpus in $build" >&2
    cmake -S "$root" -B "$build" >/dev/null
    cmake --build "$build" -j "$(nproc 2>/dev/null || echo 2)" --target chataudit gen_corpus >/dev/null
    [ -n "$gen" ] || gen=$build/gen_corpus
fi
[ -x "$bin" ] || { echo "bench.sh: $bin: not an executable" >&2; exit 1; }
command -v unzip >/dev/null || { echo "bench.sh: needs unzip (Debian package unzip)" >&2; exit 1; }

benchdir=$build/bench
mkdir -p "$benchdir"
corpus=$benchdir/corpus-$n.zip
made=0
if [ ! -s "$corpus" ]; then
    echo "bench.sh: generating $corpus" >&2
    "$gen" -n "$n" -o "$corpus.tmp" --roster "$benchdir/roster-$n.csv" --groups "$benchdir/groups-$n.csv"
    mv "$corpus.tmp" "$corpus"
    made=1
fi
cleanup() {
    rm -f "$benchdir/time.out" "$corpus.tmp"
    if [ "$made" = 1 ] && [ "$keep" = 0 ]; then
        rm -f "$corpus" "$benchdir/roster-$n.csv" "$benchdir/groups-$n.csv"
    fi
}
trap cleanup EXIT

zip_bytes=$(stat -c %s "$corpus")
# "N files, X bytes uncompressed, Y bytes compressed:  Z%"
raw_bytes=$(unzip -Zt "$corpus" | awk '{print $3}')
cat "$corpus" >/dev/null    # warm the page cache for both runs

gnutime=
[ -x /usr/bin/time ] && /usr/bin/time -f '%e' true 2>/dev/null && gnutime=/usr/bin/time

# run NAME LOG CMD... — runs CMD with stdout to /dev/null and stderr to LOG;
# sets wall (seconds), rss (KB or empty) and status.
run() {
    local log=$2
    shift 2
    status=0
    if [ -n "$gnutime" ]; then
        "$gnutime" -f '%e %M' -o "$benchdir/time.out" "$@" >/dev/null 2>"$log" || status=$?
        read -r wall rss < <(tail -n 1 "$benchdir/time.out")
    else
        local t0 t1
        t0=$(date +%s.%N)
        "$@" >/dev/null 2>"$log" || status=$?
        t1=$(date +%s.%N)
        wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
        rss=
    fi
}

declare -a names walls rsss stats
measure() {
    local name=$1
    shift
    run "$name" "$benchdir/$name.log" "$@"
    names+=("$name")
    walls+=("$wall")
    rsss+=("${rss:-}")
    stats+=("$status")
}

measure unzip unzip -p "$corpus"
measure import "$bin" import -o /dev/null --quiet "$corpus"
# the audit run at one thread and at the -j given (default 2) — SPEC §11
# compares the two — with the sample configuration (policy, holidays,
# lexicons) but the corpus's own roster and groups, so the senders resolve
# and every rule has work; no ledger (a benchmark records nothing)
mkconfig() { # DIR: a copy of samples/config with the corpus's roster and groups
    rm -rf "$1"
    cp -r "$root/samples/config" "$1"
    rm -f "$1"/ledger.db*
    cp "$benchdir/roster-$n.csv" "$1/roster.csv"
    cp "$benchdir/groups-$n.csv" "$1/groups.csv"
}
mkconfig "$benchdir/config"
rundir=$benchdir/run
measure run-j1 "$bin" run -c "$benchdir/config" --no-ledger -o "$rundir" -j 1 --quiet "$corpus"
measure "run-j${threads:-2}" "$bin" run -c "$benchdir/config" --no-ledger -o "$rundir" \
    -j "${threads:-2}" --quiet "$corpus"
# screenshot verification: the middle three plain text messages of a
# MemoTrace group (NickName：StrContent), a 不 added to the second
shot=$benchdir/screenshot.txt
entry=$(unzip -Z1 "$corpus" | grep '^memotrace/' | sed -n '1,40p' | tail -n 1)
unzip -p "$corpus" "$entry" | awk -F, 'NR > 1 && NF == 12 && $3 == 1 && substr($8, 1, 1) != "\"" &&
    length($8) > 30 { row[n++] = $11 "：" $8 }
    END { for (i = int(n / 2); i < int(n / 2) + 3 && i < n; i++) print row[i] }' |
    sed '2s/，/，不/' >"$shot"
measure verify "$bin" verify -c "$benchdir/config" "$shot" "$corpus"
# the lexicon overhead: the same configuration without any lexicon, and with
# a 10 000-term lexicon (deterministic two- to four-character CJK words)
mkconfig "$benchdir/config-nolex"
sed -i '/^\[lexicon\]/,/^\[/{s/^\([a-z_.]*\) *= .*/\1 =/}' "$benchdir/config-nolex/policy.ini"
mkconfig "$benchdir/config-lex10k"
awk 'BEGIN {
    srand(11); n = 0
    while (n < 10000) {
        len = 2 + int(rand() * 3); w = ""
        for (k = 0; k < len; k++) {
            c = 19968 + int(rand() * 3000)   # U+4E00.. as UTF-8
            w = w sprintf("%c%c%c", 224 + int(c / 4096), 128 + int(c / 64) % 64, 128 + c % 64)
        }
        if (!(w in seen)) { seen[w] = 1; print w; n++ }
    }
}' >"$benchdir/config-lex10k/lexicons/politics.txt"
measure nolex-j1 "$bin" run -c "$benchdir/config-nolex" --no-ledger -o "$rundir" -j 1 --quiet \
    "$corpus"
measure lex10k-j1 "$bin" run -c "$benchdir/config-lex10k" --no-ledger -o "$rundir" -j 1 --quiet \
    "$corpus"

printf '\ncorpus %s: %d messages, %.1f MB zip, %.1f MB CSV%s\n\n' "$corpus" "$n" \
    "$(awk -v b="$zip_bytes" 'BEGIN { print b / 1e6 }')" \
    "$(awk -v b="$raw_bytes" 'BEGIN { print b / 1e6 }')" \
    "${threads:+, chataudit -j $threads}"
printf '%-10s %9s %13s %10s %10s %10s %8s\n' run 'wall s' 'messages/s' 'zip MB/s' 'CSV MB/s' 'peak RSS' ratio
base=${walls[0]}
fail=0
for i in "${!names[@]}"; do
    w=${walls[$i]}
    awk -v name="${names[$i]}" -v w="$w" -v n="$n" -v zb="$zip_bytes" -v rb="$raw_bytes" \
        -v rss="${rsss[$i]}" -v base="$base" -v st="${stats[$i]}" 'BEGIN {
        d = (w > 0) ? w : 0.001
        r = (rss == "") ? "n/a" : sprintf("%.1f MB", rss / 1024)
        if (st != 0)
            printf "%-10s %9.2f %13s %10s %10s %10s %8s  (failed, exit status %s)\n", name, w, "-", "-",
                   "-", r, "-", st
        else
            printf "%-10s %9.2f %13.0f %10.1f %10.1f %10s %7.2fx\n", name, w, n / d, zb / 1e6 / d,
                   rb / 1e6 / d, r, w / ((base > 0) ? base : 0.001)
    }'
    [ "${stats[$i]}" = 0 ] || fail=1
done
if [ "$fail" = 1 ]; then
    for i in "${!names[@]}"; do
        if [ "${stats[$i]}" != 0 ]; then
            echo >&2
            echo "bench.sh: ${names[$i]} failed (exit status ${stats[$i]}); the end of its messages:" >&2
            tail -n 15 "$benchdir/${names[$i]}.log" >&2
        fi
    done
    exit 1
fi
verify_times=$(sed -n 's/.*events searched, \(index .*\)$/\1/p' "$benchdir/verify.log")
printf '\nverify after the import: %s (%s)\n' "${verify_times:-n/a}" \
    "$(sed -n 's/^.*: \([a-z-]*\); [0-9]* events searched.*$/verdict \1/p' "$benchdir/verify.log")"
rm -f "$benchdir/unzip.log" "$benchdir/chataudit.log"
