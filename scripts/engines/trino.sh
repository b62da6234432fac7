#!/usr/bin/env bash
# A two-node Trino cluster (one coordinator, one worker) on 127.0.0.1 for the engine tests.
#
#   scripts/engines/trino.sh start    # download once, configure, start both nodes, wait; prints URL
#   scripts/engines/trino.sh stop     # stops both nodes
#   scripts/engines/trino.sh status   # prints the URL and exits 0 when both nodes serve queries
#   scripts/engines/trino.sh url      # prints the URL only
#
# Environment (all optional):
#   TIERWISE_ENGINES_DIR  where downloads, configuration and node data live (default <repo>/.engines)
#   TIERWISE_TRINO_PORT   the coordinator's HTTP port on 127.0.0.1 (default 18080; the worker: +1)
#   TRINO_JAVA_HOME       a JDK >= 24 (default: /usr/lib/jvm/temurin-25-jdk-amd64, else the newest
#                         JDK under /usr/lib/jvm that is 24 or later)
#   TRINO_HEAP            -Xmx of each node (default 1G)
#   TRINO_WORKERS         workers beside the coordinator: 1 (default) or 2 (ports +1, +2)
#   TRINO_QUERY_MEMORY    query.max-memory-per-node (default 384MB; query.max-memory is 4/3 of it
#                         per worker); raise it with TRINO_HEAP for the scale bench
#   TIERWISE_TRINO_HIVE   1: also a `hive` catalog (file metastore) over local files, where
#                         local:///x is $TIERWISE_ENGINES_DIR/trino/lake/x (adds a 258 MB download)
#
# What it runs: trino-server-core 476 (the newest Trino server published on Maven Central here;
# it needs Java 24+) with the memory and tpch connector plugins (published as zips beside it),
# catalogs `memory` and `tpch` (and `hive`, see above). Downloads go to $TIERWISE_ENGINES_DIR/cache
# and are reused.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
ENGINES_DIR="${TIERWISE_ENGINES_DIR:-$ROOT/.engines}"
PORT="${TIERWISE_TRINO_PORT:-18080}"
WORKERS="${TRINO_WORKERS:-1}"
QUERY_MEMORY_MB="${TRINO_QUERY_MEMORY:-384MB}"
QUERY_MEMORY_MB="${QUERY_MEMORY_MB%MB}"
TOTAL_MEMORY_MB=$((QUERY_MEMORY_MB * 4 / 3 * WORKERS))
ROLES="coordinator worker"
[ "$WORKERS" = 2 ] && ROLES="coordinator worker worker2"
HEAP="${TRINO_HEAP:-1G}"
VERSION=476
HIVE="${TIERWISE_TRINO_HIVE:-0}"
PLUGINS=(memory tpch)
[ "$HIVE" = 1 ] && PLUGINS+=(hive)
MAVEN="${TIERWISE_MAVEN_URL:-https://repo.maven.apache.org/maven2}"
CACHE="$ENGINES_DIR/cache"
BASE="$ENGINES_DIR/trino"
SERVER="$BASE/trino-server-$VERSION"
LAKE="$BASE/lake"
URL="http://127.0.0.1:$PORT"
START_TIMEOUT="${TRINO_START_TIMEOUT:-240}"

log() { echo "trino.sh: $*" >&2; }

java_major() {
  "$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1
}

find_java() {
  local candidates=()
  [ -n "${TRINO_JAVA_HOME:-}" ] && candidates+=("$TRINO_JAVA_HOME")
  candidates+=(/usr/lib/jvm/temurin-25-jdk-amd64)
  local d
  for d in $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -r); do candidates+=("${d%/}"); done
  for d in "${candidates[@]}"; do
    if [ -x "$d/bin/java" ] && [ "$(java_major "$d")" -ge 24 ] 2>/dev/null; then
      echo "$d"
      return 0
    fi
  done
  log "Trino $VERSION needs Java 24 or later; none found under /usr/lib/jvm (set TRINO_JAVA_HOME)"
  return 1
}

fetch() {
  local path="$1" file
  file="$CACHE/$(basename "$path")"
  if [ ! -s "$file" ]; then
    mkdir -p "$CACHE"
    log "downloading $(basename "$path")…"
    curl -fsSL --retry 3 -o "$file.part" "$MAVEN/$path"
    mv "$file.part" "$file"
  fi
  echo "$file"
}

install_trino() {
  local tarball p zip
  if [ ! -f "$SERVER/.installed" ]; then
    tarball="$(fetch "io/trino/trino-server-core/$VERSION/trino-server-core-$VERSION.tar.gz")"
    rm -rf "$SERVER" "$BASE/trino-server-core-$VERSION"
    mkdir -p "$BASE"
    tar -xzf "$tarball" -C "$BASE"
    mv "$BASE/trino-server-core-$VERSION" "$SERVER"
    # The core tarball's plugins that the tests never use (Python functions, geospatial,
    # fault-tolerant exchange and spooling on object stores, authenticators, resource-group and
    # session-property managers) only slow the start: keep the catalogs' own plugins alone.
    (cd "$SERVER/plugin" && rm -rf functions-python geospatial exchange-filesystem \
      spooling-filesystem password-authenticators resource-group-managers session-property-managers)
    touch "$SERVER/.installed"
  fi
  for p in "${PLUGINS[@]}"; do
    [ -d "$SERVER/plugin/$p" ] && continue
    zip="$(fetch "io/trino/trino-$p/$VERSION/trino-$p-$VERSION.zip")"
    rm -rf "$SERVER/plugin/trino-$p-$VERSION"
    (cd "$SERVER/plugin" && unzip -q -o "$zip" && mv "trino-$p-$VERSION" "$p")
  done
}

# Writes etc/ for one node: $1 = coordinator|worker, $2 = its HTTP port.
configure_node() {
  local role="$1" port="$2" dir="$BASE/$1"
  mkdir -p "$dir/etc/catalog" "$dir/data"
  cat >"$dir/etc/node.properties" <<EOF
node.environment=tierwise
node.id=tierwise-$role
node.data-dir=$dir/data
node.bind-ip=127.0.0.1
node.internal-address=127.0.0.1
EOF
  cat >"$dir/etc/jvm.config" <<EOF
-server
-Xmx$HEAP
-XX:+UseG1GC
-XX:G1HeapRegionSize=32M
-XX:+ExplicitGCInvokesConcurrent
-XX:+ExitOnOutOfMemoryError
-XX:-OmitStackTraceInFastThrow
-XX:ReservedCodeCacheSize=256M
-XX:PerMethodRecompilationCutoff=10000
-XX:PerBytecodeRecompilationCutoff=10000
-XX:TieredStopAtLevel=1
-Djdk.attach.allowAttachSelf=true
-Djdk.nio.maxCachedBufferSize=2000000
-Dfile.encoding=UTF-8
-Duser.timezone=UTC
-XX:+EnableDynamicAgentLoading
EOF
  if [ "$role" = coordinator ]; then
    cat >"$dir/etc/config.properties" <<EOF
coordinator=true
node-scheduler.include-coordinator=false
http-server.http.port=$port
discovery.uri=http://127.0.0.1:$PORT
query.max-memory=${TOTAL_MEMORY_MB}MB
query.max-memory-per-node=${QUERY_MEMORY_MB}MB
memory.heap-headroom-per-node=256MB
EOF
  else
    cat >"$dir/etc/config.properties" <<EOF
coordinator=false
http-server.http.port=$port
discovery.uri=http://127.0.0.1:$PORT
query.max-memory=${TOTAL_MEMORY_MB}MB
query.max-memory-per-node=${QUERY_MEMORY_MB}MB
memory.heap-headroom-per-node=256MB
EOF
  fi
  cat >"$dir/etc/log.properties" <<EOF
io.trino=WARN
io.trino.server.Server=INFO
EOF
  cat >"$dir/etc/catalog/memory.properties" <<EOF
connector.name=memory
memory.max-data-per-node=256MB
EOF
  cat >"$dir/etc/catalog/tpch.properties" <<EOF
connector.name=tpch
EOF
  if [ "$HIVE" = 1 ]; then
    # Both nodes see the same local directory, as the local file system support requires.
    mkdir -p "$LAKE/metastore"
    cat >"$dir/etc/catalog/hive.properties" <<EOF
connector.name=hive
hive.metastore=file
hive.metastore.catalog.dir=local:///metastore
fs.native-local.enabled=true
local.location=$LAKE
EOF
  else
    rm -f "$dir/etc/catalog/hive.properties"
  fi
}

launcher() {
  local role="$1"
  shift
  local dir="$BASE/$role"
  JAVA_HOME="$JAVA" PATH="$JAVA/bin:$PATH" "$SERVER/bin/launcher" "$@" \
    --etc-dir="$dir/etc" --data-dir="$dir/data" --pid-file="$dir/data/launcher.pid" \
    --launcher-log-file="$dir/data/launcher.log" --server-log-file="$dir/data/server.log"
}

# Runs one SQL statement through the REST protocol (no client library: plain fetch in Node) and
# prints the first column of the first row. Exit 1 on an error or no answer.
query_scalar() {
  node - "$URL" "$1" <<'EOF'
const [url, sql] = process.argv.slice(2);
const headers = { 'X-Trino-User': 'tierwise' };
try {
  let res = await (await fetch(`${url}/v1/statement`, { method: 'POST', body: sql, headers })).json();
  let row;
  for (;;) {
    if (res.error) throw new Error(res.error.message);
    if (res.data && row === undefined) row = res.data[0];
    if (!res.nextUri) break;
    res = await (await fetch(res.nextUri, { headers })).json();
  }
  console.log(row === undefined ? '' : String(row[0]));
} catch (e) {
  console.error(String(e.message ?? e));
  process.exit(1);
}
EOF
}

cluster_ready() {
  [ "$(query_scalar "SELECT count(*) FROM system.runtime.nodes WHERE state = 'active'" 2>/dev/null)" = $((WORKERS + 1)) ]
}

cmd_start() {
  # Exit 3 (not 1) when no JDK can run this release: with-engines.sh then skips the Trino tests
  # with a notice instead of failing them, since the machine cannot run Trino at all.
  JAVA="$(find_java)" || exit 3
  if cluster_ready; then
    echo "$URL"
    return 0
  fi
  install_trino
  local t0 role port
  t0=$(date +%s)
  for role in $ROLES; do
    port=$PORT
    [ "$role" = worker ] && port=$((PORT + 1))
    [ "$role" = worker2 ] && port=$((PORT + 2))
    configure_node "$role" "$port"
    if ! launcher "$role" status >/dev/null 2>&1; then
      launcher "$role" start >/dev/null
    fi
  done
  # Ready when the coordinator answers a query and sees the worker as active.
  until cluster_ready; do
    if [ $(($(date +%s) - t0)) -ge "$START_TIMEOUT" ]; then
      log "not ready after ${START_TIMEOUT}s; last lines of the logs:"
      tail -n 20 "$BASE/coordinator/data/server.log" "$BASE/worker/data/server.log" >&2 || true
      exit 1
    fi
    sleep 1
  done
  log "ready in $(($(date +%s) - t0))s"
  echo "$URL"
}

cmd_stop() {
  # No JDK able to run it means no node of it is running either.
  JAVA="$(find_java 2>/dev/null)" || return 0
  [ -x "$SERVER/bin/launcher" ] || return 0
  local role
  for role in worker2 worker coordinator; do
    if [ -d "$BASE/$role/etc" ] && launcher "$role" status >/dev/null 2>&1; then
      launcher "$role" stop >/dev/null
      log "stopped $role"
    fi
  done
}

cmd_status() {
  if cluster_ready; then
    echo "$URL"
  else
    log "not running (or the worker has not joined)"
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
