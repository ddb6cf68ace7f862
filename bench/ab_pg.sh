#!/bin/bash
# Alternates two ferry-bench binaries (e.g. a commit and its parent, built in two trees) on
# one PostgreSQL cluster, a fresh `bench` database per run, and prints one line per run
# with the 1-min load before it (docs/benchmarks.md, "Session 19").
# usage: bench/ab_pg.sh OLD_BIN NEW_BIN URL_FILE N ROUNDS [ferry-bench args...]
#   URL_FILE: the url file of tests/pg/pg_cluster.sh start DIR (DIR/url)
set -euo pipefail
old=$1 new=$2 url=$(cat "$3") n=$4 rounds=$5
shift 5
field() { echo "$out" | awk "$1" | head -1; }
for _ in $(seq 1 "$rounds"); do
  for which in old new; do
    bin=$new; [ "$which" = old ] && bin=$old
    psql "$url" -qc 'DROP DATABASE IF EXISTS bench' -c 'CREATE DATABASE bench' >/dev/null 2>&1
    sync; sleep 20
    load=$(cut -d' ' -f1 /proc/loadavg)
    out=$("$bin" --storage "${url%/*}/bench" --n "$n" --reference-n 0 "$@" 2>&1)
    echo "$which N=$n load=$load" \
      "setup_s=$(field '/^setup \(/ {print $4}')" \
      "copy_s=$(field '/^copy migration \(/ {print $5}')" \
      "A_s=$(field '/^A: postgresql/ {print $6}')" \
      "copy/A=$(field '/^copy \/ A/ {print $5}')" \
      "re_s=$(field '/^re_extract migration \(documents\)/ {print $5}')" \
      "B_s=$(field '/^B: text_extractor/ {print $6}')" \
      "re/B=$(field '/^re_extract \/ B/ {print $5}')"
  done
done
