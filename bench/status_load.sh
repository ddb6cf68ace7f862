#!/usr/bin/env bash
# Status reads under load (issue 9, item 6): GET /v1/namespaces/migrations/{id} of a
# running re_extract, loaded with wrk at 64 and 1000 connections, against nginx serving
# the same response body as a static file in the same run.
#
#   bench/status_load.sh [FERRYD | BUILD_DIR]      (default: ./build/ferryd)
#
# Also loads, in the same run, GET of a finished migration (a dry-run copy): read from
# the catalog and encoded per request, the path of every status GET before the status
# board, as the before/after reference.
#
# Environment: OBJECTS (source objects, 4 documents each; default 60000: the re_extract
# must outlast all six loads, and the script says so when it did not), DURATION (per
# load, default 10s), THREADS (wrk -t, default 2), PERF_OUT (a file: records a perf
# profile of ferryd during its 1000-connection load and writes the report there).
# Installs wrk and nginx-light with apt when missing (needs root, as nginx runs as root
# here with a private config). Not part of `make test`.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
ferryd=${1:-build}
[[ -d $ferryd ]] && ferryd=$ferryd/ferryd
[[ -x $ferryd ]] || { echo "no ferryd at $ferryd" >&2; exit 2; }
ferryd=$(cd "$(dirname "$ferryd")" && pwd)/$(basename "$ferryd")
objects=${OBJECTS:-60000}
duration=${DURATION:-10s}
threads=${THREADS:-2}
key=sk_bench_status_load_0123456789

need=()
command -v wrk >/dev/null || need+=(wrk)
[[ -x /usr/sbin/nginx ]] || need+=(nginx-light)
if ((${#need[@]})); then
  apt-get install -y "${need[@]}" >/dev/null || { apt-get update >/dev/null && apt-get install -y "${need[@]}" >/dev/null; }
fi
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
(($(ulimit -n) >= 2100)) || { echo "ulimit -n is $(ulimit -n); 1000 connections need more" >&2; exit 2; }

work=$(mktemp -d /tmp/ferry_status_load_XXXXXX)
chmod 755 "$work"
ferryd_pid= nginx_pid=
cleanup() {
  [[ -n $nginx_pid ]] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null
  [[ -n $ferryd_pid ]] && kill "$ferryd_pid" 2>/dev/null && wait "$ferryd_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# --- ferryd, with a source namespace and a running re_extract ----------------------
env -u FERRY_LOG_LEVEL FERRY_API_KEY=$key "$ferryd" --data-dir "$work/data" \
  --listen 127.0.0.1:0 2>"$work/ferryd.log" >/dev/null &
ferryd_pid=$!
port=
for _ in $(seq 600); do  # up to a minute for the first log line
  port=$(grep -m1 '"ferryd listening"' "$work/ferryd.log" 2>/dev/null |
         sed -E 's/.*"address":"[^"]*:([0-9]+)".*/\1/') || true
  [[ -n $port ]] && break
  kill -0 "$ferryd_pid" 2>/dev/null || { cat "$work/ferryd.log" >&2; exit 1; }
  sleep 0.1
done
[[ -n $port ]] || { echo "ferryd did not start" >&2; exit 1; }
api() { python3 "$here/status_load_seed.py" "$port" "$key" "$@"; }

echo "== seeding $objects objects ($((4 * objects)) documents) on 127.0.0.1:$port"
t0=$(date +%s)
api seed "$objects"
echo "   seeded in $(($(date +%s) - t0)) s"
done_mid=$(api finished)
mid=$(api start)
echo "== re_extract $mid started"
# Load only once documents are being rebuilt, so the body is a mid-run status.
while :; do
  read -r st stage pct < <(api status "$mid")
  [[ $st == in_progress && $stage == batch_processing ]] && break
  [[ $st == in_progress || $st == pending ]] || { echo "migration ended early: $st" >&2; exit 1; }
done
url=http://127.0.0.1:$port/v1/namespaces/migrations/$mid
# A finished migration is read from the catalog and encoded per request: the path every
# status GET took before the status board (the reference "before" in the same run).
done_url=http://127.0.0.1:$port/v1/namespaces/migrations/$done_mid
mkdir -p "$work/www"
curl -sf -H "Authorization: Bearer $key" -o "$work/www/status.json" "$url"
chmod -R a+rX "$work/www"
echo "   body: $(stat -c %s "$work/www/status.json") bytes"

# --- nginx serving the same body ------------------------------------------------------
nport=$(free_port)
mkdir -p "$work/nginx"
cat >"$work/nginx/nginx.conf" <<CONF
daemon off;
worker_processes auto;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 4096; }
http {
  access_log $work/nginx/access.log;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  types { application/json json; }
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$nport;
    location / { root $work/www; }
  }
}
CONF
/usr/sbin/nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" &
nginx_pid=$!
for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$nport/status.json" && break; sleep 0.1; done
cmp -s <(curl -sf "http://127.0.0.1:$nport/status.json") "$work/www/status.json" ||
  { echo "nginx does not serve the body" >&2; exit 1; }

# --- the loads -------------------------------------------------------------------------
# "<req/s> <p99 ms> <non-2xx> <socket errors>" of one wrk run.
load() {
  local conns=$1 target=$2 out
  out=$(wrk -t"$threads" -c"$conns" -d"$duration" --latency -H "Authorization: Bearer $key" "$target")
  echo "$out" >>"$work/wrk.txt"
  awk '
    /Requests\/sec:/ { rps = $2 }
    $1 == "99%" { v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v)
                  p99 = (u == "us") ? v / 1000 : (u == "s") ? v * 1000 : (u == "m") ? v * 60000 : v }
    /Non-2xx/ { bad = $NF }
    /Socket errors/ { errs = $0; sub(/.*errors: /, "", errs); gsub(/ /, "", errs) }
    END { printf "%s %.2f %s %s\n", rps, p99, bad ? bad : 0, errs ? errs : "none" }' <<<"$out"
}
running() {
  read -r st stage pct < <(api status "$mid")
  echo "   migration: $st $stage $pct%"
  [[ $st == in_progress ]] || outlasted=no
}
outlasted=yes
declare -A r
uptime
for conns in 64 1000; do
  running
  if [[ -n ${PERF_OUT:-} && $conns == 1000 ]]; then
    perf record -g -p "$ferryd_pid" -o "$work/perf.data" >"$work/perf.log" 2>&1 &
    perf_pid=$!
  fi
  r[ferryd,$conns]=$(load "$conns" "$url")
  echo "   ferryd c=$conns: ${r[ferryd,$conns]}"
  if [[ -n ${perf_pid:-} ]]; then
    kill -TERM "$perf_pid"
    wait "$perf_pid" || true
    perf report -i "$work/perf.data" --stdio --no-children --percent-limit 1 >"$PERF_OUT" 2>&1 ||
      cat "$work/perf.log" >&2
    perf_pid=
  fi
  running
  r[nginx,$conns]=$(load "$conns" "http://127.0.0.1:$nport/status.json")
  echo "   nginx  c=$conns: ${r[nginx,$conns]}"
  running
  r[catalog,$conns]=$(load "$conns" "$done_url")
  echo "   ferryd catalog path c=$conns: ${r[catalog,$conns]}"
done
running
uptime

echo
echo "status GET of a running re_extract ($(stat -c %s "$work/www/status.json")-byte body), wrk -t$threads -d$duration --latency, $(nproc) cores"
printf '%-12s %12s %10s %12s %10s %8s %8s %12s %10s\n' connections ferryd_rps ferryd_p99 \
  nginx_rps nginx_p99 rps_x p99_x catalog_rps catalog_p99
for conns in 64 1000; do
  read -r frps fp99 fbad ferr <<<"${r[ferryd,$conns]}"
  read -r nrps np99 nbad nerr <<<"${r[nginx,$conns]}"
  read -r crps cp99 cbad cerr <<<"${r[catalog,$conns]}"
  printf '%-12s %12.0f %8.2fms %12.0f %8.2fms %8.2f %8.2f %12.0f %8.2fms\n' "$conns" "$frps" "$fp99" \
    "$nrps" "$np99" "$(echo "$frps / $nrps" | bc -l)" "$(echo "$fp99 / $np99" | bc -l)" "$crps" "$cp99"
  [[ $fbad == 0 && $nbad == 0 && $cbad == 0 ]] ||
    echo "   non-2xx responses at c=$conns: ferryd $fbad, nginx $nbad, catalog path $cbad"
  [[ $ferr == none && $nerr == none && $cerr == none ]] ||
    echo "   socket errors at c=$conns: ferryd $ferr; nginx $nerr; catalog path $cerr"
done
echo "(catalog_*: GET of a finished migration, read from the catalog and encoded per request)"
read -r frps _ <<<"${r[ferryd,64]}"; read -r nrps _ <<<"${r[nginx,64]}"
read -r _ fp99 _ <<<"${r[ferryd,1000]}"; read -r _ np99 _ <<<"${r[nginx,1000]}"
echo "target: ferryd >= 0.3x nginx req/s at 64: $(echo "$frps >= 0.3 * $nrps" | bc | sed 's/1/met/;s/0/MISSED/')"
echo "target: ferryd p99 <= 2x nginx p99 at 1000: $(echo "$fp99 <= 2 * $np99" | bc | sed 's/1/met/;s/0/MISSED/')"
[[ $outlasted == yes ]] || echo "WARNING: the re_extract was not in progress throughout; raise OBJECTS"
