#!/usr/bin/env bash
# Runs a command with the engine servers up — `npm test` runs vitest through it, so `.ci/run`
# tests against real engines:
#
#   bash scripts/engines/with-engines.sh vitest run [args…]
#
# 1. starts PostgreSQL (scripts/engines/postgres.sh) and the Trino cluster (scripts/engines/trino.sh)
#    on 127.0.0.1, side by side (PostgreSQL takes seconds, Trino about a minute; both install
#    themselves the first time, from Debian and Maven Central);
# 2. runs the command with TIERWISE_ENGINE_TESTS=1 and TIERWISE_POSTGRES_URL / TIERWISE_TRINO_URL
#    exported. An engine that does not start leaves its URL unset: the command still runs and that
#    engine's tests FAIL (they never skip once TIERWISE_ENGINE_TESTS=1) — except Trino on a machine
#    with no Java 24 or later to run it (trino.sh exits 3): then its tests skip, said loudly;
# 3. stops the engines it started (not ones that were already running), failed or not, and exits
#    with the command's status — or 1 when an engine did not start and the command passed.
#
# TIERWISE_SKIP_ENGINES=1 starts nothing and leaves TIERWISE_ENGINE_TESTS unset, so the engine tests
# skip: for a developer without the engines (README, "Tests"). TIERWISE_SKIP_TRINO=1 starts
# PostgreSQL only and leaves the Trino tests to fail (for running the PostgreSQL ones quickly).
set -uo pipefail
cd "$(dirname "$0")/../.."
HERE=scripts/engines

if [ "${TIERWISE_SKIP_ENGINES:-0}" = 1 ]; then
  echo "with-engines: TIERWISE_SKIP_ENGINES=1: no engines started; the engine tests skip" >&2
  exec "$@"
fi

LOGS="$(mktemp -d)"
started=()
stop_started() {
  for engine in "${started[@]}"; do bash "$HERE/$engine.sh" stop >/dev/null 2>&1 || true; done
  rm -rf "$LOGS"
}
trap stop_started EXIT

# Start one engine in the background; its URL goes to $LOGS/<engine>.url when it serves.
start_engine() {
  local engine="$1"
  if bash "$HERE/$engine.sh" status >"$LOGS/$engine.url" 2>/dev/null; then
    echo "already" >"$LOGS/$engine.was"
    return 0
  fi
  bash "$HERE/$engine.sh" start >"$LOGS/$engine.url" 2>"$LOGS/$engine.log" || {
    local code=$?
    rm -f "$LOGS/$engine.url"
    # 3: the machine cannot run this engine at all (trino.sh: no Java 24 or later).
    [ "$code" = 3 ] && echo "unavailable" >"$LOGS/$engine.unavailable"
    return 1
  }
}

t0=$(date +%s)
engines=(postgres)
[ "${TIERWISE_SKIP_TRINO:-0}" = 1 ] || engines+=(trino)
pids=()
for engine in "${engines[@]}"; do
  start_engine "$engine" &
  pids+=($!)
done
failed_start=0
for i in "${!engines[@]}"; do
  engine="${engines[$i]}"
  wait "${pids[$i]}"
  if [ -s "$LOGS/$engine.url" ]; then
    [ -f "$LOGS/$engine.was" ] || started+=("$engine")
  elif [ -f "$LOGS/$engine.unavailable" ]; then
    # Not a failure of tierwise: this machine has no runtime for the engine. Say so loudly and
    # let its tests skip (TIERWISE_TRINO_UNAVAILABLE), rather than fail every run here.
    echo "with-engines: $engine cannot run on this machine; its tests are SKIPPED:" >&2
    tail -n 3 "$LOGS/$engine.log" >&2 2>/dev/null || true
    export TIERWISE_TRINO_UNAVAILABLE=1
  else
    failed_start=1
    # A start that gave up may leave processes behind (a node that never joined): stop them too.
    started+=("$engine")
    echo "with-engines: $engine did not start; its tests will fail. Its log:" >&2
    tail -n 30 "$LOGS/$engine.log" >&2 2>/dev/null || true
  fi
done

export TIERWISE_ENGINE_TESTS=1
if [ -s "$LOGS/postgres.url" ]; then
  TIERWISE_POSTGRES_URL="$(tail -n 1 "$LOGS/postgres.url")"
  export TIERWISE_POSTGRES_URL
fi
if [ -s "$LOGS/trino.url" ]; then
  TIERWISE_TRINO_URL="$(tail -n 1 "$LOGS/trino.url")"
  export TIERWISE_TRINO_URL
fi
echo "with-engines: up in $(($(date +%s) - t0))s: postgres ${TIERWISE_POSTGRES_URL:-(none)}, trino ${TIERWISE_TRINO_URL:-(none)}" >&2

"$@"
status=$?
if [ "$status" = 0 ] && [ "$failed_start" = 1 ]; then status=1; fi
exit "$status"
