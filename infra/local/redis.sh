#!/usr/bin/env bash
# Find or start a Redis for shadowdiff tests and dev (no Docker).
#
#   redis.sh ensure   print a Redis URL that answers PING (last stdout line):
#                       1. $REDIS_URL, if set and it answers;
#                       2. redis://127.0.0.1:6379, if it answers;
#                       3. a redis-server this script started earlier, if still alive;
#                       4. else start Debian's redis-server on a free 127.0.0.1 port
#                          (daemonized, no persistence) and print its URL.
#   redis.sh stop     stop only a redis-server that this script started
#   redis.sh status   print the redis this script started, if any (exit 0/1)
#
# Env: REDIS_URL, SHADOWDIFF_STATE_DIR (infra/local/.state), REDIS_PORT (first port
#      tried when starting one: 16379), REDIS_DEFAULT_URL (redis://127.0.0.1:6379),
#      REDIS_CLI / REDIS_SERVER (paths; REDIS_CLI= forces the bash /dev/tcp PING).
# All progress goes to stderr; stdout carries only the URL.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PROG="redis.sh"
STATE_ROOT="${SHADOWDIFF_STATE_DIR:-$HERE/.state}"
OWNED="$STATE_ROOT/redis-owned"           # "port pidfile" of the redis we started
REDIS_PORT="${REDIS_PORT:-16379}"
REDIS_DEFAULT_URL="${REDIS_DEFAULT_URL:-redis://127.0.0.1:6379}"
REDIS_CLI="${REDIS_CLI-$(command -v redis-cli || true)}"
REDIS_SERVER="${REDIS_SERVER-$(command -v redis-server || true)}"

# shellcheck source=lib.sh
. "$HERE/lib.sh"

# Split redis://[user[:pass]@]host[:port][/db] into U_HOST U_PORT U_USER U_PASS U_DB.
parse_url() {
  local url="$1" rest auth hostport
  U_HOST="" U_PORT=6379 U_USER="" U_PASS="" U_DB=0
  case "$url" in
    redis://*) rest="${url#redis://}" ;;
    *) return 1 ;;
  esac
  rest="${rest%%\?*}"
  if [[ "$rest" == */* ]]; then
    U_DB="${rest#*/}"
    rest="${rest%%/*}"
    U_DB="${U_DB:-0}"
  fi
  if [[ "$rest" == *@* ]]; then
    auth="${rest%@*}"
    hostport="${rest##*@}"
    if [[ "$auth" == *:* ]]; then U_USER="${auth%%:*}"; U_PASS="${auth#*:}"; else U_PASS="$auth"; fi
  else
    hostport="$rest"
  fi
  U_HOST="${hostport%%:*}"
  [[ "$hostport" == *:* ]] && U_PORT="${hostport##*:}"
  U_HOST="${U_HOST:-127.0.0.1}"
  [[ "$U_PORT" =~ ^[0-9]+$ ]]
}

resp() { # args -> one RESP array command
  local a out
  out="*$#\r\n"
  for a in "$@"; do out+="\$${#a}\r\n$a\r\n"; done
  printf '%b' "$out"
}

# PING over bash's /dev/tcp (used when redis-cli is not installed).
ping_tcp() {
  parse_url "$1" || return 1
  (
    exec 3<>"/dev/tcp/$U_HOST/$U_PORT" || exit 1
    if [[ -n "$U_PASS" ]]; then
      if [[ -n "$U_USER" ]]; then resp AUTH "$U_USER" "$U_PASS" >&3; else resp AUTH "$U_PASS" >&3; fi
      IFS= read -r -t 3 line <&3 || exit 1
      [[ "$line" == +OK* ]] || exit 1
    fi
    resp PING >&3
    IFS= read -r -t 3 line <&3 || exit 1
    [[ "$line" == +PONG* ]]
  ) 2>/dev/null
}

# Does the Redis at URL answer PING?
ping_url() {
  local url="$1" out
  if [[ -n "$REDIS_CLI" ]]; then
    local -a args=(--no-auth-warning)
    if parse_url "$url"; then
      # (redis-cli -u mishandles "redis://:pass@host": it sends AUTH with user "")
      args+=(-h "$U_HOST" -p "$U_PORT" -n "$U_DB")
      [[ -n "$U_USER" ]] && args+=(--user "$U_USER")
      [[ -n "$U_PASS" ]] && args+=(-a "$U_PASS")
    else
      args+=(-u "$url") # rediss:// etc.
    fi
    out="$(timeout 5 "$REDIS_CLI" "${args[@]}" PING 2>/dev/null)" || return 1
    [[ "$out" == PONG* ]]
  else
    case "$url" in
      rediss://*) log "cannot PING $url without redis-cli (TLS); install redis-tools"; return 1 ;;
    esac
    timeout 5 bash -c "$(declare -f parse_url resp ping_tcp); ping_tcp \"\$1\"" _ "$url"
  fi
}


port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

is_redis_pid() {
  local pid="$1"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  local cmd
  cmd="$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline")" || return 1
  [[ "$cmd" == *redis-server* ]]
}

# Port and pid of the redis this script started, if it is still running.
owned_redis() {
  local port pidfile pid
  [[ -f "$OWNED" ]] || return 1
  read -r port pidfile <"$OWNED" || return 1
  pid="$(cat "$pidfile" 2>/dev/null || true)"
  is_redis_pid "$pid" || return 1
  O_PORT="$port" O_PID="$pid"
}

start_redis() {
  [[ -n "$REDIS_SERVER" && -x "$REDIS_SERVER" ]] ||
    die "redis-server not found — install redis-server (apt-get install redis-server)" 2
  local port="$REDIS_PORT" last=$((REDIS_PORT + 100)) dir url i
  while ! port_free "$port"; do
    port=$((port + 1))
    ((port <= last)) || die "no free port in $REDIS_PORT..$last" 1
  done
  dir="$STATE_ROOT/redis-$port"
  mkdir -p "$dir"
  rm -f "$dir/redis.pid"
  log "starting redis-server on 127.0.0.1:$port (state $dir)"
  "$REDIS_SERVER" --bind 127.0.0.1 --port "$port" --daemonize yes \
    --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" --dir "$dir" \
    --save "" --appendonly no --protected-mode yes 9>&- ||
    die "redis-server failed to start (see $dir/redis.log)" 1
  printf '%s %s\n' "$port" "$dir/redis.pid" >"$OWNED"
  url="redis://127.0.0.1:$port"
  for ((i = 0; i < 100; i++)); do
    if ping_url "$url"; then
      printf '%s\n' "$url"
      return 0
    fi
    sleep 0.1
  done
  tail -n 20 "$dir/redis.log" >&2 2>/dev/null || true
  die "redis-server on port $port did not answer PING within 10s" 1
}

cmd_ensure() {
  if [[ -n "${REDIS_URL:-}" ]]; then
    if ping_url "$REDIS_URL"; then
      log "using \$REDIS_URL"
      printf '%s\n' "$REDIS_URL"
      return 0
    fi
    log "\$REDIS_URL=$REDIS_URL does not answer PING — looking elsewhere"
  fi
  if ping_url "$REDIS_DEFAULT_URL"; then
    log "using the redis already running at $REDIS_DEFAULT_URL"
    printf '%s\n' "$REDIS_DEFAULT_URL"
    return 0
  fi
  mkdir -p "$STATE_ROOT"
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$STATE_ROOT/.redis.lock"
    flock -w 60 9 || die "timed out waiting for $STATE_ROOT/.redis.lock" 1
  fi
  if owned_redis && ping_url "redis://127.0.0.1:$O_PORT"; then
    log "reusing redis-server pid $O_PID started by $PROG"
    printf 'redis://127.0.0.1:%s\n' "$O_PORT"
    return 0
  fi
  start_redis
}

cmd_stop() {
  if ! owned_redis; then
    rm -f "$OWNED"
    log "no redis-server started by $PROG is running"
    return 0
  fi
  log "stopping redis-server pid $O_PID (port $O_PORT)"
  terminate "$O_PID" redis-server 10
  rm -f "$OWNED"
  log "stopped"
}

cmd_status() {
  if owned_redis; then
    echo "running (started by $PROG, pid $O_PID, redis://127.0.0.1:$O_PORT)"
    return 0
  fi
  echo "stopped (no redis-server started by $PROG)"
  return 1
}

case "${1:-}" in
  ensure) cmd_ensure ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *)
    echo "usage: $PROG ensure|stop|status" >&2
    exit 2
    ;;
esac
