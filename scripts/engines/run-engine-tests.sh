#!/usr/bin/env bash
# Starts PostgreSQL and Trino on 127.0.0.1, runs the engine tests (test/engines) against them, and
# stops them (also when a start or a test fails). Extra arguments go to vitest, e.g.
# `--reporter=json`. `npm test` runs the whole suite the same way (scripts/engines/with-engines.sh).
set -uo pipefail
cd "$(dirname "$0")/../.."
exec bash scripts/engines/with-engines.sh npx vitest run test/engines "$@"
