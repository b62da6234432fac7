#!/usr/bin/env bash
# Starts PostgreSQL and Trino on 127.0.0.1, runs the engine tests against them, and stops both
# (also when a start or a test fails). Extra arguments go to vitest, e.g. `--reporter=json`.
# Not called by `npm test` or .ci/run yet (issue 14 wires it).
set -uo pipefail
cd "$(dirname "$0")/../.."
HERE=scripts/engines

stop_all() {
  bash "$HERE/trino.sh" stop || true
  bash "$HERE/postgres.sh" stop || true
}
trap stop_all EXIT

t0=$(date +%s)
TIERWISE_POSTGRES_URL="$(bash "$HERE/postgres.sh" start)" || exit 1
TIERWISE_TRINO_URL="$(bash "$HERE/trino.sh" start)" || exit 1
echo "engines up in $(($(date +%s) - t0))s: $TIERWISE_POSTGRES_URL, $TIERWISE_TRINO_URL" >&2
export TIERWISE_ENGINE_TESTS=1 TIERWISE_POSTGRES_URL TIERWISE_TRINO_URL
npx vitest run test/engines "$@"
