#!/usr/bin/env bash
# A Kafka broker with TLS and SASL listeners, and a Redis with TLS and an ACL user, for the
# production-connectivity tests and for trying kafka.ssl / kafka.sasl / redis.tls / redis.auth
# locally. Certificates are generated here with openssl (a CA and one server certificate for
# 127.0.0.1 / localhost); passwords are random, kept in files (mode 600) under the state dir.
#
#   secure.sh certs         make the CA, server certificate and passwords (once)
#   secure.sh kafka-start   start (or reuse) the broker via kafka.sh; prints facts as KEY=value
#   secure.sh kafka-stop
#   secure.sh redis-start   start (or reuse) redis-server with TLS only; prints facts as KEY=value
#   secure.sh redis-stop
#
# Kafka ports (env SECURE_KAFKA_PORT, default 19192): +0 PLAINTEXT (probe and tools),
# +1 controller, +2 SASL_SSL (SCRAM-SHA-512 and PLAIN), +3 SSL. Redis: SECURE_REDIS_PORT (16390),
# TLS only, user `shadowdiff` (ACL: all keys, all commands), `default` user off.
# State: $SHADOWDIFF_STATE_DIR/secure (infra/local/.state/secure). Progress on stderr.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PROG="secure.sh"
STATE_ROOT="${SHADOWDIFF_STATE_DIR:-$HERE/.state}"
DIR="$STATE_ROOT/secure"
KPORT="${SECURE_KAFKA_PORT:-19192}"
RPORT="${SECURE_REDIS_PORT:-16390}"
HOST=127.0.0.1

# shellcheck source=lib.sh
. "$HERE/lib.sh"

password() { # file -> creates a random alphanumeric password once
  [[ -s "$1" ]] || (umask 077 && head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24 >"$1")
}

cmd_certs() {
  command -v openssl >/dev/null 2>&1 || die "openssl not found — apt-get install openssl" 2
  mkdir -p "$DIR"
  chmod 700 "$DIR"
  password "$DIR/keystore.password"
  password "$DIR/scram.password"
  password "$DIR/plain.password"
  password "$DIR/redis.password"
  [[ -s "$DIR/server.p12" ]] && return 0
  log "generating a CA and a server certificate for $HOST/localhost in $DIR"
  (
    cd "$DIR"
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=shadowdiff test CA" \
      -keyout ca.key -out ca.pem 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout server.key \
      -out server.csr 2>/dev/null
    printf 'subjectAltName=IP:%s,DNS:localhost\n' "$HOST" >server.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 3650 \
      -extfile server.ext -out server.pem 2>/dev/null
    openssl pkcs12 -export -in server.pem -inkey server.key -name kafka -out server.p12 \
      -passout "file:keystore.password"
    chmod 600 ./*.key server.p12
  )
}

kafka_env() {
  KAFKA_PORT="$KPORT" KAFKA_CONTROLLER_PORT="$((KPORT + 1))" "$@"
}

cmd_kafka_start() {
  cmd_certs
  local ks sasl ssl plainpw
  ks="$(cat "$DIR/keystore.password")"
  plainpw="$(cat "$DIR/plain.password")"
  sasl="$HOST:$((KPORT + 2))"
  ssl="$HOST:$((KPORT + 3))"
  (
    umask 077
    cat >"$DIR/kafka-extra.properties" <<EOF
listeners=PLAINTEXT://$HOST:$KPORT,CONTROLLER://$HOST:$((KPORT + 1)),SASL_SSL://$sasl,SSL://$ssl
advertised.listeners=PLAINTEXT://$HOST:$KPORT,SASL_SSL://$sasl,SSL://$ssl
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL,SSL:SSL
ssl.keystore.type=PKCS12
ssl.keystore.location=$DIR/server.p12
ssl.keystore.password=$ks
ssl.key.password=$ks
ssl.client.auth=none
sasl.enabled.mechanisms=SCRAM-SHA-512,PLAIN
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_plain-user="$plainpw";
EOF
  )
  KAFKA_EXTRA_PROPS="$DIR/kafka-extra.properties" \
    KAFKA_FORMAT_ARGS="--add-scram SCRAM-SHA-512=[name=scram-user,password=$(cat "$DIR/scram.password")]" \
    kafka_env bash "$HERE/kafka.sh" start >/dev/null
  printf 'KAFKA_PLAINTEXT=%s:%s\nKAFKA_SASL_SSL=%s\nKAFKA_SSL=%s\n' "$HOST" "$KPORT" "$sasl" "$ssl"
  printf 'CA_FILE=%s\nSCRAM_USER=scram-user\nSCRAM_PASSWORD_FILE=%s\n' "$DIR/ca.pem" "$DIR/scram.password"
  printf 'PLAIN_USER=plain-user\nPLAIN_PASSWORD_FILE=%s\n' "$DIR/plain.password"
}

redis_up() {
  [[ -s "$DIR/redis.pid" ]] && alive "$(cat "$DIR/redis.pid")"
}

cmd_redis_start() {
  cmd_certs
  command -v redis-server >/dev/null 2>&1 || die "redis-server not found — apt-get install redis-server" 2
  if ! redis_up; then
    log "starting redis-server with TLS only on $HOST:$RPORT"
    (
      umask 077
      cat >"$DIR/redis.conf" <<EOF
port 0
bind $HOST
tls-port $RPORT
tls-cert-file $DIR/server.pem
tls-key-file $DIR/server.key
tls-ca-cert-file $DIR/ca.pem
tls-auth-clients no
save ""
appendonly no
daemonize yes
pidfile $DIR/redis.pid
logfile $DIR/redis.log
dir $DIR
user default off
user shadowdiff on >$(cat "$DIR/redis.password") ~* &* +@all
EOF
    )
    redis-server "$DIR/redis.conf"
    local i
    for ((i = 0; i < 50; i++)); do
      redis_up && (exec 3<>"/dev/tcp/$HOST/$RPORT") 2>/dev/null && break
      sleep 0.1
    done
    redis_up || die "redis-server did not start (log: $DIR/redis.log)" 1
  fi
  printf 'REDIS_TLS_URL=rediss://%s:%s\nCA_FILE=%s\n' "$HOST" "$RPORT" "$DIR/ca.pem"
  printf 'REDIS_USER=shadowdiff\nREDIS_PASSWORD_FILE=%s\n' "$DIR/redis.password"
}

cmd_redis_stop() {
  if redis_up; then terminate "$(cat "$DIR/redis.pid")" redis-server 10; fi
  rm -f "$DIR/redis.pid"
}

case "${1:-}" in
  certs) cmd_certs ;;
  kafka-start) cmd_kafka_start ;;
  kafka-stop) kafka_env bash "$HERE/kafka.sh" stop ;;
  redis-start) cmd_redis_start ;;
  redis-stop) cmd_redis_stop ;;
  *)
    sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
