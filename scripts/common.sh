# Shared set-up for the run and test scripts: packages, virtualenv, MariaDB, SQS.
# Sourced, not run. Everything here is idempotent and safe to repeat.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"
STATE="$ROOT/.state"
mkdir -p "$STATE"

log() { printf '\033[1m==> %s\033[0m\n' "$*"; }

install_system_packages() {
  local need=()
  dpkg -s libmariadb-dev >/dev/null 2>&1 || need+=(libmariadb-dev)
  dpkg -s pkg-config >/dev/null 2>&1 || need+=(pkg-config)
  command -v mariadb >/dev/null 2>&1 || need+=(mariadb-client)
  if [ "${WITH_BROWSER:-0}" = 1 ] && ! command -v chromium >/dev/null 2>&1; then need+=(chromium); fi
  if [ ${#need[@]} -gt 0 ]; then
    log "Installing Debian packages: ${need[*]}"
    local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
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

ensure_mariadb() {
  export DB_HOST="${DB_HOST:-127.0.0.1}" DB_PORT="${DB_PORT:-3306}" DB_USER="${DB_USER:-root}"
  if ! mariadb-admin ping -h"$DB_HOST" -P"$DB_PORT" -u"$DB_USER" ${DB_PASSWORD:+-p"$DB_PASSWORD"} --silent 2>/dev/null; then
    if [ "$DB_HOST" = 127.0.0.1 ] && [ -x /usr/sbin/mariadbd ]; then
      log "Starting the local MariaDB"
      start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
      for _ in $(seq 1 30); do
        mariadb-admin ping -h"$DB_HOST" -P"$DB_PORT" -u"$DB_USER" --silent 2>/dev/null && break
        sleep 1
      done
    fi
    if ! mariadb-admin ping -h"$DB_HOST" -P"$DB_PORT" -u"$DB_USER" ${DB_PASSWORD:+-p"$DB_PASSWORD"} --silent 2>/dev/null; then
      echo "MariaDB is not reachable at $DB_HOST:$DB_PORT as $DB_USER." >&2
      echo "Start it (e.g. 'start-stop-daemon --start --background --exec /usr/sbin/mariadbd')" >&2
      echo "or set DB_HOST/DB_PORT/DB_USER/DB_PASSWORD to a reachable server." >&2
      exit 1
    fi
  fi
}

free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Start a local SQS-compatible server unless SQS_ENDPOINT_URL is already set.
# Usage: ensure_sqs PORT
ensure_sqs() {
  if [ -n "${SQS_ENDPOINT_URL:-}" ]; then return; fi
  local port="$1"
  export SQS_ENDPOINT_URL="http://127.0.0.1:$port"
  if ! curl -fs -o /dev/null "$SQS_ENDPOINT_URL/moto-api/" 2>/dev/null; then
    log "Starting the local SQS server (moto) on 127.0.0.1:$port"
    "$VENV/bin/moto_server" -H 127.0.0.1 -p "$port" >"$STATE/sqs-$port.log" 2>&1 &
    echo $! >"$STATE/sqs-$port.pid"
    for _ in $(seq 1 50); do
      curl -fs -o /dev/null "$SQS_ENDPOINT_URL/moto-api/" 2>/dev/null && break
      sleep 0.2
    done
  fi
}
