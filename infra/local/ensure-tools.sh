#!/usr/bin/env bash
# Installs the OS tools shadowdiff's tests need when they are missing; idempotent, quiet when all
# are present. Hooked into `npm test` so a fresh machine gets them before vitest runs.
#
#   promtool   Debian package `prometheus` (`promtool check rules` / `promtool test rules` in
#              infra/prometheus/rules.int.test.ts, and the Prometheus server for the e2e scrape test)
#   chromium   Debian package `chromium` (the console's browser test, test/e2e/console-browser.test.ts)
#
# Needs root (or sudo) and Debian's package lists; apt waits for another apt holding the lock
# instead of failing, so helpers and CI may call this concurrently.
set -euo pipefail

PROG="ensure-tools.sh"
log() { printf '%s: %s\n' "$PROG" "$*" >&2; }

missing=()
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)

if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

SUDO=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null 2>&1 || {
    log "need root to install: ${missing[*]} — run: apt-get install -y --no-install-recommends ${missing[*]}"
    exit 1
  }
  SUDO=(sudo)
fi

export DEBIAN_FRONTEND=noninteractive
# The `prometheus` package's postinst starts a server on :9090 (init.d) unless policy-rc.d says no.
# Tests only want the binaries, and a stray daemon would hold the port; deny starts for the install
# when the machine has no policy of its own.
POLICY=/usr/sbin/policy-rc.d
if [[ ! -e $POLICY ]]; then
  printf '#!/bin/sh\n# written by shadowdiff ensure-tools.sh for one install\nexit 101\n' | "${SUDO[@]}" tee "$POLICY" >/dev/null
  "${SUDO[@]}" chmod +x "$POLICY"
  trap '"${SUDO[@]}" rm -f "$POLICY"' EXIT
fi
APT=("${SUDO[@]}" apt-get -o DPkg::Lock::Timeout=300 -y -q)
log "installing ${missing[*]} (apt-get)"
# An install that fails on stale package lists succeeds after an update; update only then.
if ! "${APT[@]}" install --no-install-recommends "${missing[@]}" >&2; then
  "${APT[@]}" update >&2
  "${APT[@]}" install --no-install-recommends "${missing[@]}" >&2
fi
command -v promtool >/dev/null 2>&1 || {
  log "prometheus installed but promtool is not on PATH"
  exit 1
}
log "promtool $(promtool --version 2>&1 | head -n1)"
