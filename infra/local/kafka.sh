#!/usr/bin/env bash
# Local, Docker-free Apache Kafka (single-node KRaft, broker+controller) for
# shadowdiff tests and dev. Jars are pinned in kafka/pom.xml and fetched from
# Maven Central with Maven into .cache/kafka-<version>/libs (once).
#
#   kafka.sh start     start (or reuse) the broker; last stdout line = bootstrap address
#   kafka.sh stop      stop it (SIGTERM, then SIGKILL after 30 s); idempotent
#   kafka.sh status    "running ..." (exit 0; also when a broker not started from this checkout
#                      answers on the port) or "stopped" (exit 1)
#   kafka.sh version   the pinned Kafka version
#   kafka.sh logs      tail the broker log
#   kafka.sh fetch     only make sure the jars are in the cache
#
# Env: KAFKA_PORT (19092), KAFKA_CONTROLLER_PORT (19093),
#      SHADOWDIFF_STATE_DIR (infra/local/.state), SHADOWDIFF_CACHE_DIR (infra/local/.cache),
#      KAFKA_START_TIMEOUT (90 s), KAFKA_HEAP_OPTS (-Xmx512m -Xms256m), KAFKA_POM (kafka/pom.xml),
#      KAFKA_EXTRA_PROPS (a file appended to server.properties; later keys win),
#      KAFKA_FORMAT_ARGS (extra storage-format arguments, e.g. --add-scram ...; see secure.sh),
#      KAFKA_KEEP_DATA=1 (start keeps the data of the last run: topics and offsets survive a
#      stop/start, as in a broker outage; default: every start is a fresh, empty cluster).
# All progress goes to stderr; stdout carries only the bootstrap address.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PROG="kafka.sh"

KAFKA_PORT="${KAFKA_PORT:-19092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-19093}"
KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-90}"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xmx512m -Xms256m}"
KAFKA_POM="${KAFKA_POM:-$HERE/kafka/pom.xml}"
STATE_ROOT="${SHADOWDIFF_STATE_DIR:-$HERE/.state}"
CACHE_ROOT="${SHADOWDIFF_CACHE_DIR:-$HERE/.cache}"
HOST=127.0.0.1
FETCHED=""
BOOTSTRAP="$HOST:$KAFKA_PORT"

# shellcheck source=lib.sh
. "$HERE/lib.sh"
now_ms() { date +%s%3N; }
secs_since() { # $1 = start ms -> "12.3"
  local d=$(( $(now_ms) - $1 ))
  printf '%d.%d' $((d / 1000)) $(((d % 1000) / 100))
}

# ---------------------------------------------------------------- version/paths
kafka_version() {
  [[ -f "$KAFKA_POM" ]] || die "pom not found: $KAFKA_POM" 2
  local v
  v="$(sed -n 's:.*<kafka\.version>[[:space:]]*\([^<[:space:]]*\)[[:space:]]*</kafka\.version>.*:\1:p' "$KAFKA_POM" | head -n1)"
  [[ -n "$v" ]] || die "no <kafka.version> property in $KAFKA_POM" 2
  printf '%s\n' "$v"
}

KAFKA_VERSION="$(kafka_version)"
CACHE_DIR="$CACHE_ROOT/kafka-$KAFKA_VERSION"
LIBS="$CACHE_DIR/libs"
STAMP="$CACHE_DIR/libs.stamp"
STATE="$STATE_ROOT/kafka-$KAFKA_PORT"
PIDFILE="$STATE/kafka.pid"
LOGFILE="$STATE/kafka.log"
PROPS="$STATE/server.properties"
DATA="$STATE/data"

# ---------------------------------------------------------------- prerequisites
need_java() {
  command -v java >/dev/null 2>&1 ||
    die "java not found — install a JDK 17+ (apt-get install openjdk-17-jre-headless)" 2
  local v major
  v="$(java -version 2>&1 | awk -F'"' '/version/ {print $2; exit}')"
  major="${v%%.*}"
  [[ "$major" == 1 ]] && major="$(cut -d. -f2 <<<"$v")"
  [[ "$major" =~ ^[0-9]+$ ]] || major=0
  ((major >= 17)) ||
    die "java $v is too old — install a JDK 17+ (apt-get install openjdk-17-jre-headless)" 2
}

need_mvn() {
  command -v mvn >/dev/null 2>&1 ||
    die "mvn not found — install Maven 3.6+ (apt-get install maven); needed once to fetch the Kafka jars" 2
}

pom_hash() { sha256sum "$KAFKA_POM" | cut -d' ' -f1; }

libs_ready() {
  [[ -f "$STAMP" && -d "$LIBS" ]] && [[ "$(cat "$STAMP")" == "$(pom_hash)" ]]
}

# Copy the pinned jars (and their transitive runtime deps) into $LIBS. Skips
# Maven entirely when the stamp says the cache matches the current pom.
ensure_libs() {
  if libs_ready; then
    log "using cached Kafka $KAFKA_VERSION jars ($LIBS)"
    return 0
  fi
  need_mvn
  local t0 tmp
  t0="$(now_ms)"
  mkdir -p "$CACHE_DIR"
  tmp="$(mktemp -d "$CACHE_DIR/libs.tmp.XXXXXX")"
  log "fetching Kafka $KAFKA_VERSION jars with Maven (first run only) ..."
  # (Maven 3.8 prints stray ANSI resets even with -q; strip them.)
  if ! mvn -q -B -Dstyle.color=never -f "$KAFKA_POM" \
      dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$tmp" 2>&1 |
      sed -e 's/\x1b\[[0-9;]*m//g' -e '/^[[:space:]]*$/d' >&2; then
    rm -rf "$tmp"
    die "mvn dependency:copy-dependencies failed for $KAFKA_POM (is Maven Central reachable?)" 1
  fi
  compgen -G "$tmp/kafka_2.13-$KAFKA_VERSION.jar" >/dev/null || {
    rm -rf "$tmp"
    die "kafka_2.13-$KAFKA_VERSION.jar missing after mvn copy-dependencies" 1
  }
  rm -rf "$LIBS" "$STAMP"
  mv "$tmp" "$LIBS"
  pom_hash >"$STAMP"
  FETCHED=1
  log "fetched $(find "$LIBS" -name '*.jar' | wc -l) jars in $(secs_since "$t0")s"
}

# The readiness probe is org.apache.kafka.tools.ClusterTool (artifact kafka-tools):
# `cluster-id` sends a DescribeCluster/Metadata request through the Java AdminClient.
# (kafka_2.13 3.9.x still has kafka.tools.ClusterTool, but it is only a deprecated
# shim that forwards to the kafka-tools class, so kafka-tools must be on the classpath.)
PROBE_CLASS=org.apache.kafka.tools.ClusterTool
check_probe_class() {
  local jar
  for jar in "$LIBS"/kafka-tools-[0-9]*.jar; do
    # zip central directories store entry names uncompressed, so grep -a finds them
    if [[ -f "$jar" ]] && LC_ALL=C grep -qaF "org/apache/kafka/tools/ClusterTool.class" "$jar"; then
      return 0
    fi
  done
  die "$PROBE_CLASS not found in $LIBS — kafka-tools must be a dependency in $KAFKA_POM" 1
}

# ---------------------------------------------------------------- process helpers

port_open() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

is_our_kafka() { # pid -> true if it is the broker started with our server.properties
  local pid="$1" cmd
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  cmd="$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline")" || return 1
  [[ "$cmd" == *"kafka.Kafka $PROPS"* ]]
}

is_our_version() { # pid -> true if the broker runs from the pinned version's jars
  local cmd
  cmd="$(tr '\0' ' ' 2>/dev/null <"/proc/$1/cmdline")" || return 1
  [[ "$cmd" == *" $LIBS/* kafka.Kafka "* ]]
}

# pid of our broker, from the pid file or (if the file was lost) from /proc.
running_pid() {
  local pid p
  if [[ -f "$PIDFILE" ]]; then
    pid="$(cat "$PIDFILE" 2>/dev/null || true)"
    if is_our_kafka "$pid"; then printf '%s\n' "$pid"; return 0; fi
  fi
  for p in /proc/[0-9]*; do
    pid="${p#/proc/}"
    if is_our_kafka "$pid"; then printf '%s\n' "$pid"; return 0; fi
  done
  return 1
}

with_lock() { # serialize start/stop for the same port
  mkdir -p "$STATE"
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$STATE/.lock"
    flock -w 180 9 || die "timed out waiting for the lock on $STATE/.lock" 1
  fi
}

java_tool() { java_tool_timeout 120 "$@"; }

java_tool_timeout() { # secs class args... — run a Kafka CLI class (small heap, fast start, quiet logs)
  local secs="$1"
  shift
  timeout "$secs" java -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    -Dlog4j.configuration="file:$STATE/tools-log4j.properties" \
    -Dlog4j2.configurationFile="$STATE/tools-log4j2.properties" \
    -cp "$LIBS/*" "$@" 9>&-
}

# Does the broker answer a metadata (DescribeCluster) request with our cluster id?
broker_answers() {
  local cid="$1" out
  port_open "$KAFKA_PORT" || return 1
  printf '%s probe: %s cluster-id --bootstrap-server %s\n' "$(date +%T.%3N)" "$PROBE_CLASS" "$BOOTSTRAP" >>"$STATE/probe.log"
  out="$(java_tool_timeout 25 "$PROBE_CLASS" cluster-id --bootstrap-server "$BOOTSTRAP" 2>>"$STATE/probe.log")" || {
    printf '%s probe failed (exit %s)\n' "$(date +%T.%3N)" "$?" >>"$STATE/probe.log"
    return 1
  }
  printf '%s probe answered: %s\n' "$(date +%T.%3N)" "$out" >>"$STATE/probe.log"
  [[ "$out" == *"Cluster ID: $cid"* ]]
}

fail_start() {
  log "$1"
  if [[ -f "$LOGFILE" ]]; then
    log "---- last 40 lines of $LOGFILE ----"
    tail -n 40 "$LOGFILE" >&2 || true
  fi
  exit 1
}

# ---------------------------------------------------------------- config files
write_configs() {
  local cid="$1"
  mkdir -p "$STATE"
  cat >"$PROPS" <<EOF
# generated by infra/local/kafka.sh — single-node KRaft (broker + controller)
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$HOST:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://$HOST:$KAFKA_PORT,CONTROLLER://$HOST:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$HOST:$KAFKA_PORT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=$DATA
num.partitions=6
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=6
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=6
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
delete.topic.enable=true
num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=1
log.retention.hours=24
EOF
  if [[ -n "${KAFKA_EXTRA_PROPS:-}" ]]; then
    [[ -f "$KAFKA_EXTRA_PROPS" ]] || die "KAFKA_EXTRA_PROPS: no file at $KAFKA_EXTRA_PROPS" 2
    { printf '# appended from %s\n' "$KAFKA_EXTRA_PROPS"; cat "$KAFKA_EXTRA_PROPS"; } >>"$PROPS"
  fi
  # Kafka 3.x logs via reload4j (log4j 1.x properties); 4.x via log4j2. Write both.
  cat >"$STATE/log4j.properties" <<'EOF'
log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
log4j.logger.org.apache.kafka.clients=WARN
log4j.logger.org.apache.kafka.common.utils.AppInfoParser=WARN
EOF
  cat >"$STATE/log4j2.properties" <<'EOF'
status=warn
appender.out.type=Console
appender.out.name=STDOUT
appender.out.layout.type=PatternLayout
appender.out.layout.pattern=[%d] %p %m (%c)%n
rootLogger.level=INFO
rootLogger.appenderRef.out.ref=STDOUT
logger.req.name=kafka.request.logger
logger.req.level=WARN
logger.sc.name=state.change.logger
logger.sc.level=WARN
logger.clients.name=org.apache.kafka.clients
logger.clients.level=WARN
EOF
  cat >"$STATE/tools-log4j.properties" <<'EOF'
log4j.rootLogger=WARN, stderr
log4j.appender.stderr=org.apache.log4j.ConsoleAppender
log4j.appender.stderr.Target=System.err
log4j.appender.stderr.layout=org.apache.log4j.PatternLayout
log4j.appender.stderr.layout.ConversionPattern=[%d] %p %m (%c)%n
EOF
  cat >"$STATE/tools-log4j2.properties" <<'EOF'
status=warn
appender.err.type=Console
appender.err.name=STDERR
appender.err.target=SYSTEM_ERR
appender.err.layout.type=PatternLayout
appender.err.layout.pattern=[%d] %p %m (%c)%n
rootLogger.level=WARN
rootLogger.appenderRef.err.ref=STDERR
EOF
  printf '%s\n' "$cid" >"$STATE/cluster.id"
}

# Kafka cluster ids are 16 random bytes, base64url without padding (22 chars).
# Like Kafka's own Uuid.randomUuid(), never start with '-': the storage tool's
# argument parser would take "-t -abc..." for an option ("expected one argument").
new_cluster_id() {
  local id
  while :; do
    id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
    [[ "$id" == -* ]] || break
  done
  printf '%s\n' "$id"
}

wait_ready() { # pid cluster_id -> returns when the broker answers, or exits 1
  local pid="$1" cid="$2"
  local deadline=$((SECONDS + KAFKA_START_TIMEOUT))
  while :; do
    if ! alive "$pid"; then
      rm -f "$PIDFILE"
      fail_start "broker process $pid exited during startup"
    fi
    if broker_answers "$cid"; then
      return 0
    fi
    if ((SECONDS >= deadline)); then
      log "broker did not answer a metadata request on $BOOTSTRAP within ${KAFKA_START_TIMEOUT}s — stopping it"
      do_stop
      fail_start "kafka failed to start (probe log: $STATE/probe.log)"
    fi
    sleep 0.5
  done
}

# ---------------------------------------------------------------- verbs
do_stop() {
  local pid
  if ! pid="$(running_pid)"; then
    rm -f "$PIDFILE"
    log "not running (port $KAFKA_PORT)"
    return 0
  fi
  log "stopping broker pid $pid ..."
  terminate "$pid" broker 30
  rm -f "$PIDFILE"
  log "stopped"
}

cmd_start() {
  local t0 pid cid
  t0="$(now_ms)"
  need_java
  with_lock

  if pid="$(running_pid)" && ! is_our_version "$pid"; then
    log "running broker pid $pid was started from other jars (not Kafka $KAFKA_VERSION) — restarting it"
    do_stop
  fi
  if pid="$(running_pid)"; then
    cid="$(cat "$STATE/cluster.id" 2>/dev/null || true)"
    log "broker already running (pid $pid); checking it answers on $BOOTSTRAP ..."
    ensure_libs
    if [[ -n "$cid" ]] && broker_answers "$cid"; then
      printf '%s\n' "$pid" >"$PIDFILE"
      log "reusing running broker (pid $pid)"
      printf '%s\n' "$BOOTSTRAP"
      return 0
    fi
    log "running broker pid $pid does not answer — restarting it"
    do_stop
  fi

  ensure_libs
  check_probe_class

  local p
  for p in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; do
    if port_open "$p"; then
      die "port $HOST:$p is already in use by another process — set KAFKA_PORT / KAFKA_CONTROLLER_PORT to free ports" 1
    fi
  done

  # KAFKA_KEEP_DATA=1: a stop/start keeps topics, offsets and transactions (an outage, not a
  # new cluster), as long as the storage this state dir formatted is still there.
  if [[ "${KAFKA_KEEP_DATA:-}" == 1 && -f "$DATA/meta.properties" && -s "$STATE/cluster.id" ]]; then
    cid="$(cat "$STATE/cluster.id")"
    write_configs "$cid"
    [[ -f "$LOGFILE" ]] && mv -f "$LOGFILE" "$LOGFILE.1"
    : >"$STATE/probe.log"
    log "keeping the data in $DATA (KAFKA_KEEP_DATA=1, cluster id $cid)"
  else
    cid="$(new_cluster_id)"
    rm -rf "$DATA"
    write_configs "$cid"
    [[ -f "$LOGFILE" ]] && mv -f "$LOGFILE" "$LOGFILE.1"
    : >"$STATE/probe.log"

    log "formatting KRaft storage in $DATA (cluster id $cid) ..."
    local -a extra_format=()
    # shellcheck disable=SC2206  # KAFKA_FORMAT_ARGS is a list of arguments without spaces inside
    [[ -n "${KAFKA_FORMAT_ARGS:-}" ]] && extra_format=($KAFKA_FORMAT_ARGS)
    if ! java_tool kafka.tools.StorageTool format -t "$cid" -c "$PROPS" --ignore-formatted \
        "${extra_format[@]}" >"$STATE/format.log" 2>&1; then
      cat "$STATE/format.log" >&2
      die "kafka-storage format failed (see $STATE/format.log)" 1
    fi
  fi

  log "starting Kafka $KAFKA_VERSION on $BOOTSTRAP (controller $HOST:$KAFKA_CONTROLLER_PORT), log: $LOGFILE"
  # shellcheck disable=SC2086  # KAFKA_HEAP_OPTS is a list of JVM flags
  setsid nohup java $KAFKA_HEAP_OPTS -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$STATE/log4j.properties" \
    -Dlog4j2.configurationFile="$STATE/log4j2.properties" \
    -cp "$LIBS/*" kafka.Kafka "$PROPS" \
    </dev/null >"$LOGFILE" 2>&1 9>&- &
  pid=$!
  printf '%s\n' "$pid" >"$PIDFILE"

  wait_ready "$pid" "$cid"
  local took
  took="$(secs_since "$t0")"
  log "kafka started in ${took}s (pid $pid, cluster id $cid)"
  printf '%s kafka=%s port=%s start=%s seconds=%s\n' "$(date -Is)" "$KAFKA_VERSION" "$KAFKA_PORT" \
    "$([[ -n "$FETCHED" ]] && echo cold-fetched-jars || echo cached)" "$took" >>"$STATE_ROOT/kafka-start-times.log"
  printf '%s\n' "$BOOTSTRAP"
}

cmd_stop() {
  with_lock
  do_stop
}

cmd_status() {
  local pid
  if pid="$(running_pid)"; then
    if is_our_version "$pid"; then
      echo "running (Kafka $KAFKA_VERSION, pid $pid, bootstrap $BOOTSTRAP, state $STATE)"
    else
      echo "running (pid $pid, bootstrap $BOOTSTRAP, NOT the pinned Kafka $KAFKA_VERSION jars; 'start' restarts it)"
    fi
    return 0
  fi
  # Not ours, but something answers on the port: another checkout's broker (or some other server).
  # Say so: "stopped" would send the user to `start`, which then finds the port taken.
  if port_open "$KAFKA_PORT"; then
    echo "running (not started by this checkout: something answers on $BOOTSTRAP — another checkout's broker? use it with KAFKA_BROKERS=$BOOTSTRAP; 'stop' here leaves it alone)"
    return 0
  fi
  echo "stopped (Kafka $KAFKA_VERSION, port $KAFKA_PORT)"
  return 1
}

cmd_logs() {
  [[ -f "$LOGFILE" ]] || die "no log at $LOGFILE" 1
  tail -n "${1:-100}" "$LOGFILE"
}

usage() {
  cat >&2 <<EOF
usage: $PROG start|stop|status|version|logs [N]|fetch
  start    start (or reuse) a single-node KRaft Kafka $KAFKA_VERSION; prints the bootstrap address last on stdout
  stop     stop the broker started by start (SIGTERM, SIGKILL after 30s)
  status   print running/stopped (exit 0/1)
  version  print the pinned Kafka version
  logs     tail the broker log
  fetch    only download the pinned jars into the cache
env: KAFKA_PORT=$KAFKA_PORT KAFKA_CONTROLLER_PORT=$KAFKA_CONTROLLER_PORT SHADOWDIFF_STATE_DIR=$STATE_ROOT
EOF
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  version) printf '%s\n' "$KAFKA_VERSION" ;;
  logs) cmd_logs "${2:-100}" ;;
  fetch) need_java; with_lock; ensure_libs ;;
  -h | --help | help) usage ;;
  *) usage; exit 2 ;;
esac
