#!/usr/bin/env bash
# A throwaway PostgreSQL for the engine tests, on 127.0.0.1 only.
#
#   scripts/engines/postgres.sh start    # install when missing, initdb once, start; prints the URL
#   scripts/engines/postgres.sh stop     # fast shutdown (the data directory stays)
#   scripts/engines/postgres.sh status   # prints the URL and exits 0 when running, 1 when not
#   scripts/engines/postgres.sh url      # prints the URL only
#
# Environment (all optional):
#   TIERWISE_ENGINES_DIR   where engine data lives (default: <repo>/.engines, gitignored)
#   TIERWISE_POSTGRES_PORT TCP port on 127.0.0.1 (default 54329)
#
# The cluster's superuser and its database are both `tierwise`, password `tierwise`; the URL is
# postgres://tierwise:tierwise@127.0.0.1:54329/tierwise. PostgreSQL refuses to run as root, so when
# run as root (as CI does) the server runs as the Debian `postgres` user via runuser. Every step is
# idempotent: start on a running cluster only prints the URL, stop on a stopped one does nothing.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
ENGINES_DIR="${TIERWISE_ENGINES_DIR:-$ROOT/.engines}"
PORT="${TIERWISE_POSTGRES_PORT:-54329}"
USER_NAME=tierwise
PASSWORD=tierwise
URL="postgres://$USER_NAME:$PASSWORD@127.0.0.1:$PORT/$USER_NAME"

log() { echo "postgres.sh: $*" >&2; }

pg_bindir() {
  local v
  for v in $(ls /usr/lib/postgresql 2>/dev/null | sort -rn); do
    if [ -x "/usr/lib/postgresql/$v/bin/pg_ctl" ]; then
      echo "/usr/lib/postgresql/$v/bin"
      return 0
    fi
  done
  return 1
}

install_postgres() {
  if pg_bindir >/dev/null; then return 0; fi
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  log "installing PostgreSQL from Debian (once)…"
  $sudo apt-get update -qq
  # postgresql (not only -common) brings the server binaries; the Debian cluster it creates is
  # left alone (it is not started by this script and listens on another port).
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends postgresql >/dev/null
  pg_bindir >/dev/null || { log "PostgreSQL did not install"; exit 1; }
}

# Run a command as the user that owns the cluster: `postgres` when we are root, else ourselves.
as_owner() {
  if [ "$(id -u)" = 0 ]; then
    # From /: the caller's directory may be one the postgres user cannot enter (e.g. under /root).
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

data_dir() {
  local dir="$ENGINES_DIR/postgres"
  if [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$ENGINES_DIR" 2>/dev/null \
    && [ -d "$ENGINES_DIR" ]; then
    # The postgres user cannot reach a directory under a private home (e.g. /root): keep the
    # cluster in a place it can, named after the engines directory so two clones do not share it.
    local tag
    tag="$(printf '%s' "$ENGINES_DIR" | sha1sum | cut -c1-12)"
    dir="/var/tmp/tierwise-postgres-$tag"
  fi
  echo "$dir"
}

is_running() {
  local bin="$1" dir="$2"
  [ -f "$dir/PG_VERSION" ] && as_owner "$bin/pg_ctl" status -D "$dir" >/dev/null 2>&1
}

cmd_start() {
  install_postgres
  local bin dir
  bin="$(pg_bindir)"
  mkdir -p "$ENGINES_DIR"
  dir="$(data_dir)"
  if is_running "$bin" "$dir"; then
    echo "$URL"
    return 0
  fi
  if [ ! -f "$dir/PG_VERSION" ]; then
    mkdir -p "$dir"
    chmod 700 "$dir"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir"
    local pwfile
    pwfile="$(mktemp)"
    echo "$PASSWORD" >"$pwfile"
    chmod 644 "$pwfile"
    as_owner "$bin/initdb" -D "$dir" -U "$USER_NAME" --pwfile="$pwfile" -E UTF8 --locale=C.UTF-8 \
      --auth-local=trust --auth-host=scram-sha-256 >"$dir.initdb.log" 2>&1 \
      || { rm -f "$pwfile"; cat "$dir.initdb.log" >&2; exit 1; }
    rm -f "$pwfile"
    # Loopback TCP only, no Unix socket (a socket path under a deep directory can pass the
    # 107-byte limit); small memory, fast shutdown, no durability needed for test data.
    cat >>"$dir/postgresql.conf" <<EOF

# tierwise engine tests
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = ''
shared_buffers = 128MB
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 50
timezone = 'UTC'
EOF
  fi
  if ! as_owner "$bin/pg_ctl" start -D "$dir" -l "$dir/server.log" -o "-p $PORT" -w -t 60 >/dev/null; then
    log "PostgreSQL did not start; its log:"
    tail -n 30 "$dir/server.log" >&2 || true
    exit 1
  fi
  # The superuser's own database (initdb makes postgres, template0, template1 only).
  if ! PGPASSWORD="$PASSWORD" "$bin/psql" -h 127.0.0.1 -p "$PORT" -U "$USER_NAME" -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = '$USER_NAME'" | grep -q 1; then
    PGPASSWORD="$PASSWORD" "$bin/createdb" -h 127.0.0.1 -p "$PORT" -U "$USER_NAME" "$USER_NAME"
  fi
  echo "$URL"
}

cmd_stop() {
  local bin dir
  bin="$(pg_bindir)" || return 0
  dir="$(data_dir)"
  if is_running "$bin" "$dir"; then
    as_owner "$bin/pg_ctl" stop -D "$dir" -m fast -w -t 60 >/dev/null
    log "stopped"
  fi
}

cmd_status() {
  local bin dir
  bin="$(pg_bindir)" || { log "not installed"; return 1; }
  dir="$(data_dir)"
  if is_running "$bin" "$dir"; then
    echo "$URL"
  else
    log "not running (data: $dir)"
    return 1
  fi
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  url) echo "$URL" ;;
  *)
    echo "usage: $0 start|stop|status|url" >&2
    exit 2
    ;;
esac
