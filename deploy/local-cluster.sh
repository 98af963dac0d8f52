#!/usr/bin/env bash
# A 3-node Parley cluster on one machine: its own nats-server with JetStream (unless NATS_URL
# is given), nodes on ports 3001-3003 sharing one Postgres database, nginx on 8080 in front
# (deploy/nginx.conf). Ctrl-C stops everything this script started, by PID.
#
#   deploy/local-cluster.sh
#   DATABASE_URL=postgres://parley:secret@db:5432/parley NATS_URL=nats://10.0.0.5:4222 deploy/local-cluster.sh
#
# Environment: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/parley, created when
# missing), NATS_URL (default: start nats-server on NATS_PORT, default 4223), PARLEY_SECRET
# (default: a random one per run, so visitor tokens do not outlive the run), ADMIN_EMAIL and
# ADMIN_PASSWORD (first admin), LOG_LEVEL, LEASE_TTL_MS, METRICS_TOKEN (to scrape /metrics;
# unset: not served). Logs and data go to a temp folder removed at exit (KEEP_RUN_DIR=1 keeps it).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
bun="$root/node_modules/.bin/bun"
[ -x "$bun" ] || { echo "run npm ci first ($bun is missing)" >&2; exit 1; }

DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/parley}
NATS_PORT=${NATS_PORT:-4223}
PARLEY_SECRET=${PARLEY_SECRET:-$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')}
NODE_PORTS=(3001 3002 3003)
run_dir=$(mktemp -d "${TMPDIR:-/tmp}/parley-cluster-XXXXXX")
chmod 755 "$run_dir" # as root, nginx workers (nobody) must reach its temp folders

pids=() # everything this script started, by PID, and its names
names=()

find_bin() { command -v "$1" 2>/dev/null || { [ -x "/usr/sbin/$1" ] && echo "/usr/sbin/$1"; } || true; }

# stop PATTERN: SIGTERM to every process started under a name matching PATTERN, then waits up
# to 15 s for them; SIGKILL (children first: nginx workers) for any still running.
stop() {
  local pattern=$1 i pid
  local stopping=()
  for i in "${!pids[@]}"; do
    # shellcheck disable=SC2053 # a glob on purpose
    [[ ${names[$i]} == $pattern ]] || continue
    kill -TERM "${pids[$i]}" 2>/dev/null || true
    stopping+=("$i")
  done
  for i in "${stopping[@]}"; do
    pid=${pids[$i]}
    for _ in $(seq 1 150); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "${names[$i]} (pid $pid) did not stop; killing it" >&2
      pkill -KILL -P "$pid" 2>/dev/null || true
      kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
  done
}

cleanup() {
  trap - EXIT INT TERM
  echo
  echo "stopping..."
  # The balancer first, then the nodes (they drain, clients reconnect), then NATS.
  stop nginx
  stop 'node-*'
  stop nats-server
  if [ "${KEEP_RUN_DIR:-}" = 1 ]; then echo "logs and data kept in $run_dir"; else rm -rf "$run_dir"; fi
  echo "stopped"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start NAME LOGFILE CMD...: runs CMD in the background with its output in LOGFILE, in a
# session of its own: Ctrl-C reaches only this script, which then stops everything in order.
start() {
  local name=$1 log=$2
  shift 2
  setsid "$@" >"$log" 2>&1 </dev/null &
  pids+=($!)
  names+=("$name")
  echo "$name started (pid $!, log $log)"
}

# wait_for NAME SECONDS CHECK...: runs CHECK until it succeeds, for at most SECONDS; gives up
# at once when the process started as NAME has exited.
wait_for() {
  local name=$1 seconds=$2 pid="" i
  shift 2
  for i in "${!names[@]}"; do [ "${names[$i]}" = "$name" ] && pid=${pids[$i]}; done
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
      echo "$name exited; its log:" >&2
      tail -n 30 "$run_dir/$name.log" >&2 || true
      exit 1
    fi
    if ((SECONDS >= deadline)); then
      echo "$name is not ready after ${seconds}s" >&2
      exit 1
    fi
    sleep 0.2
  done
}

ready() { "$bun" -e "const r = await fetch('$1', { signal: AbortSignal.timeout(2000) }).catch(() => null); process.exit(r?.status === 200 ? 0 : 1)"; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# The database: created when missing (psql and createdb from postgresql-client).
db_name=${DATABASE_URL##*/}
db_name=${db_name%%\?*}
admin_url="${DATABASE_URL%/*}/postgres"
if command -v psql >/dev/null; then
  if [ -z "$(psql "$admin_url" -tAc "select 1 from pg_database where datname = '$db_name'")" ]; then
    echo "creating database $db_name"
    createdb --maintenance-db="$admin_url" "$db_name"
  fi
else
  echo "psql not found: assuming database $db_name exists" >&2
fi

# NATS with JetStream, unless one is given.
if [ -z "${NATS_URL:-}" ]; then
  nats_bin=$(find_bin nats-server)
  [ -n "$nats_bin" ] || { echo "nats-server not found (apt-get install nats-server), or set NATS_URL" >&2; exit 1; }
  start nats-server "$run_dir/nats.log" \
    "$nats_bin" -js -sd "$run_dir/jetstream" -a 127.0.0.1 -p "$NATS_PORT"
  wait_for nats-server 10 port_open "$NATS_PORT"
  NATS_URL=nats://127.0.0.1:$NATS_PORT
fi

"$bun" client/build.ts --if-stale

for i in "${!NODE_PORTS[@]}"; do
  port=${NODE_PORTS[$i]}
  id=node-$((i + 1))
  mkdir -p "$run_dir/$id"
  start "$id" "$run_dir/$id.log" env PORT="$port" HOST=127.0.0.1 DATA_DIR="$run_dir/$id" \
    DATABASE_URL="$DATABASE_URL" PARLEY_SECRET="$PARLEY_SECRET" NATS_URL="$NATS_URL" NODE_ID="$id" TRUST_PROXY=127.0.0.1 \
    ATTACHMENT_DIR="${ATTACHMENT_DIR:-$run_dir/attachments}" ATTACHMENT_DIR_SHARED=true \
    "$bun" server/main.ts
  # The first node starts alone: it creates the default inbox and the first admin.
  if [ "$i" = 0 ]; then wait_for "$id" 60 ready "http://127.0.0.1:$port/readyz"; fi
done
for i in "${!NODE_PORTS[@]}"; do
  port=${NODE_PORTS[$i]}
  wait_for "node-$((i + 1))" 60 ready "http://127.0.0.1:$port/readyz"
done

nginx_bin=$(find_bin nginx)
if [ -n "$nginx_bin" ]; then
  mkdir -p "$run_dir/nginx"
  start nginx "$run_dir/nginx.log" "$nginx_bin" -p "$run_dir/nginx/" -c "$root/deploy/nginx.conf" \
    -e stderr -g 'daemon off;'
  wait_for nginx 10 port_open 8080
  entry=http://localhost:8080
else
  echo "nginx not found (apt-get install nginx-light): no load balancer, use the nodes directly" >&2
  entry=http://localhost:${NODE_PORTS[0]}
fi

cat <<EOF

Parley cluster running
  entry:    $entry   (widget demo /, panel /panel/, WebSocket ${entry/http/ws}/ws)
  nodes:    $(printf 'http://localhost:%s ' "${NODE_PORTS[@]}")
  nats:     $NATS_URL
  database: $(echo "$DATABASE_URL" | sed -E 's#//([^:@/]+):[^@/]+@#//\1:***@#')
  logs:     $run_dir/*.log
Ctrl-C stops everything.
EOF

# Report a process that exits on its own; keep the rest running until Ctrl-C.
declare -A reported=()
while true; do
  for i in "${!pids[@]}"; do
    if [ -z "${reported[$i]:-}" ] && ! kill -0 "${pids[$i]}" 2>/dev/null; then
      reported[$i]=1
      echo "${names[$i]} (pid ${pids[$i]}) exited; see $run_dir/${names[$i]}.log" >&2
    fi
  done
  sleep 1 &
  wait $! || true
done
