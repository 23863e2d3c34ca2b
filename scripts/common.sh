# Shared set-up for the run and test scripts: packages, virtualenv, MariaDB, SQS.
# Sourced, not run. Everything here is idempotent and safe to repeat.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"
STATE="$ROOT/.state"
mkdir -p "$STATE"
# A non-root login shell on Debian has no sbin directories on its PATH.
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

log() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# Prints the prefix that runs a command as root: "" for root, "sudo" when it
# is installed; fails otherwise.
root_prefix() {
  if [ "$(id -u)" -eq 0 ]; then echo ""; return 0; fi
  if command -v sudo >/dev/null 2>&1; then echo sudo; return 0; fi
  return 1
}

install_system_packages() {
  local need=()
  if ! command -v python3 >/dev/null 2>&1; then
    need+=(python3 python3-venv python3-dev)
  else
    # Debian splits venv/ensurepip and the C headers out of python3.
    [ -x "$PY" ] || python3 -c 'import ensurepip' 2>/dev/null || need+=(python3-venv)
    python3 -c 'import os, sys, sysconfig
sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' \
      || need+=(python3-dev)
  fi
  # mysqlclient is built from source: a C compiler, its headers and pkg-config.
  command -v cc >/dev/null 2>&1 || need+=(build-essential)
  dpkg -s libmariadb-dev >/dev/null 2>&1 || need+=(libmariadb-dev)
  dpkg -s pkg-config >/dev/null 2>&1 || need+=(pkg-config)
  # mariadb-client-core has `mariadb` but not `mariadb-admin`; mariadb-client has both.
  { command -v mariadb && command -v mariadb-admin; } >/dev/null 2>&1 || need+=(mariadb-client)
  if [ "${WITH_BROWSER:-0}" = 1 ] && ! command -v chromium >/dev/null 2>&1; then need+=(chromium); fi
  if [ ${#need[@]} -gt 0 ]; then
    local sudo
    if ! sudo="$(root_prefix)"; then
      echo "These Debian packages are missing: ${need[*]}" >&2
      echo "Install them as root (e.g. su -c 'apt-get install -y ${need[*]}'), then run again." >&2
      exit 1
    fi
    log "Installing Debian packages: ${need[*]}"
    $sudo apt-get update -qq
    # `env` because sudo drops DEBIAN_FRONTEND from the environment.
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  fi
  if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    echo "Python 3.11 or newer is needed; python3 is $(python3 --version 2>&1)." >&2
    exit 1
  fi
}

install_python_packages() {
  if [ ! -x "$PY" ]; then
    log "Creating the virtualenv in .venv"
    python3 -m venv "$VENV"
  fi
  local stamp="$VENV/.installed-$(sha256sum pyproject.toml | cut -c1-16)"
  if [ ! -f "$stamp" ]; then
    log "Installing Python packages"
    "$PY" -m pip install -q --upgrade pip
    "$PY" -m pip install -q -e ".[dev]"
    touch "$stamp"
  fi
}

# "ok", "denied" (the server answers but refuses DB_USER) or "down".
db_status() {
  local out
  if out="$(mariadb --connect-timeout=3 -h"$DB_HOST" -P"$DB_PORT" -u"$DB_USER" \
      ${DB_PASSWORD:+-p"$DB_PASSWORD"} -e 'SELECT 1' 2>&1 >/dev/null)"; then
    echo ok
  elif grep -qE 'Access denied|is not allowed to connect' <<<"$out"; then
    echo denied
  else
    echo down
  fi
}

start_local_mariadb() {
  local sudo
  if ! sudo="$(root_prefix)"; then
    echo "The local MariaDB is stopped and starting it needs root (no sudo here)." >&2
    return 0
  fi
  log "Starting the local MariaDB"
  if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
    $sudo systemctl start mariadb || true
  else
    # Without systemd nothing creates the socket directory, and mariadbd
    # refuses to run as root unless told which user to switch to.
    $sudo mkdir -p /run/mysqld
    $sudo chown mysql:mysql /run/mysqld 2>/dev/null || true
    $sudo start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql
  fi
}

ensure_mariadb() {
  export DB_HOST="${DB_HOST:-127.0.0.1}" DB_PORT="${DB_PORT:-3306}" DB_USER="${DB_USER:-root}"
  local status
  status="$(db_status)"
  if [ "$status" = down ] && { [ "$DB_HOST" = 127.0.0.1 ] || [ "$DB_HOST" = localhost ]; } \
      && [ -x /usr/sbin/mariadbd ]; then
    start_local_mariadb
    for _ in $(seq 1 30); do
      status="$(db_status)"
      [ "$status" = down ] || break
      sleep 1
    done
  fi
  case "$status" in
    ok) ;;
    denied)
      cat >&2 <<MSG
MariaDB at $DB_HOST:$DB_PORT refused user '$DB_USER'.
On Debian, MariaDB's root logs in through the unix socket only, not over TCP.
Create a user for development (it needs to create the test databases), e.g.:
  sudo mariadb -e "CREATE USER IF NOT EXISTS 'analytics'@'localhost' IDENTIFIED BY 'analytics';
    CREATE USER IF NOT EXISTS 'analytics'@'127.0.0.1' IDENTIFIED BY 'analytics';
    GRANT ALL PRIVILEGES ON *.* TO 'analytics'@'localhost', 'analytics'@'127.0.0.1';"
then run again with DB_USER=analytics DB_PASSWORD=analytics.
MSG
      exit 1
      ;;
    *)
      cat >&2 <<MSG
MariaDB is not reachable at $DB_HOST:$DB_PORT.
Install it (apt-get install mariadb-server) and start it (systemctl start mariadb, or
'start-stop-daemon --start --background --exec /usr/sbin/mariadbd -- --user=mysql' as root),
or set DB_HOST/DB_PORT/DB_USER/DB_PASSWORD to a reachable server.
MSG
      exit 1
      ;;
  esac
}

free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# True when the URL answers 2xx/3xx (Python's urllib: curl may not be installed).
http_ok() {
  "$PY" -c 'import sys, urllib.request as r; r.urlopen(sys.argv[1], timeout=2)' "$1" >/dev/null 2>&1
}

# Start a local SQS-compatible server unless SQS_ENDPOINT_URL is already set.
# Usage: ensure_sqs PORT
ensure_sqs() {
  if [ -n "${SQS_ENDPOINT_URL:-}" ]; then return; fi
  local port="$1"
  export SQS_ENDPOINT_URL="http://127.0.0.1:$port"
  if ! http_ok "$SQS_ENDPOINT_URL/moto-api/"; then
    log "Starting the local SQS server (moto, harness/sqs_server.py) on 127.0.0.1:$port"
    (cd "$ROOT" && exec "$PY" -m harness.sqs_server -H 127.0.0.1 -p "$port") >"$STATE/sqs-$port.log" 2>&1 &
    local pid=$!
    echo "$pid" >"$STATE/sqs-$port.pid"
    for _ in $(seq 1 50); do
      http_ok "$SQS_ENDPOINT_URL/moto-api/" && break
      kill -0 "$pid" 2>/dev/null || break  # it exited (e.g. the port is taken)
      sleep 0.2
    done
    if ! http_ok "$SQS_ENDPOINT_URL/moto-api/"; then
      echo "The local SQS server did not start on 127.0.0.1:$port; see $STATE/sqs-$port.log:" >&2
      tail -n 20 "$STATE/sqs-$port.log" >&2 || true
      exit 1
    fi
  fi
}
