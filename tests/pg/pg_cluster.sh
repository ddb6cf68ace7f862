#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for the tests (issue 11).
#   tests/pg/pg_cluster.sh start DIR   initdb + pg_ctl start on a free loopback port;
#                                      writes the connection URL to DIR/url and prints it
#   tests/pg/pg_cluster.sh stop DIR    stops it and removes DIR
# PostgreSQL refuses to run as root: as root, the server runs as the unprivileged
# `postgres` user (runuser); otherwise as the caller. Authentication is `trust` on
# 127.0.0.1 only, fsync is off: the cluster is for tests, never for data. `start` first
# stops a cluster left in DIR by an earlier run that could not clean up.
set -euo pipefail
cmd=${1:?usage: pg_cluster.sh start|stop DIR}
dir=${2:?usage: pg_cluster.sh start|stop DIR}
bin=${PG_BIN:-/usr/lib/postgresql/15/bin}

# The server's user may not be able to enter the caller's directory (a checkout under
# /root, say): run everything from /.
cd /

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

stop() {
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

start() {
  [ -x "$bin/initdb" ] || { echo "PostgreSQL 15 is not installed ($bin)" >&2; exit 2; }
  stop
  mkdir -p "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
  as_owner "$bin/initdb" -D "$dir/data" -A trust -U ferry -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; exit 1; }
  local port attempt
  for attempt in 1 2 3; do
    port=$(free_port)
    if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off \
            -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
        >/dev/null; then
      break
    fi
    [ "$attempt" -eq 3 ] && { cat "$dir/server.log" >&2; exit 1; }
  done
  as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U ferry ferry_test
  echo "postgresql://ferry@127.0.0.1:$port/ferry_test" >"$dir/url"
  cat "$dir/url"
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: pg_cluster.sh start|stop DIR" >&2; exit 2 ;;
esac
