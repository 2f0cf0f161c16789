# Helpers shared by kafka.sh and redis.sh (sourced; each sets PROG first).

log() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() { printf '%s: %s\n' "$PROG" "$1" >&2; exit "${2:-1}"; }

# Alive = exists and is not a zombie (an exited child not yet reaped by its parent).
alive() {
  local st
  kill -0 "$1" 2>/dev/null || return 1
  st="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
  st="${st##*) }" # state is the field after "(comm)"
  [[ -n "$st" && "${st:0:1}" != Z && "${st:0:1}" != X ]]
}

# terminate PID WHAT SECONDS: SIGTERM, wait up to SECONDS, then SIGKILL and wait up to 5 s more.
terminate() {
  local pid="$1" what="$2" secs="$3" i
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < secs * 10; i++)); do
    alive "$pid" || return 0
    sleep 0.1
  done
  log "$what pid $pid still alive after ${secs}s — sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    alive "$pid" || return 0
    sleep 0.1
  done
}
