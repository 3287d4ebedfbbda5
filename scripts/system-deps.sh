#!/usr/bin/env bash
# Installs the Debian packages the test suite drives for real: Chromium for browser tests,
# Noto CJK fonts so Japanese renders in screenshots, PostgreSQL for the shared store.
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
fc-list 2>/dev/null | grep -qi 'Noto Sans CJK' || need+=(fonts-noto-cjk)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
[ -x /usr/sbin/nginx ] || need+=(nginx)  # the reverse proxy of the replica tests
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  # Without them the browser and PostgreSQL tests cannot run: fail rather than let them skip.
  echo "missing Debian packages: ${need[*]}; install them as root: apt-get install -y ${need[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q "${need[@]}" >/dev/null 2>&1 \
  || { apt-get update -q >/dev/null && apt-get install -y -q "${need[@]}" >/dev/null; } \
  || { echo "could not install Debian packages: ${need[*]} (apt-get install -y ${need[*]})" >&2; exit 1; }
