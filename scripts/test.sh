#!/usr/bin/env bash
# Set up everything and run the whole test suite (extra arguments go to pytest).
source "$(dirname "$0")/common.sh"

WITH_BROWSER=1 install_system_packages
install_python_packages
ensure_mariadb
"$VENV/bin/ruff" check .
"$VENV/bin/ruff" format --check .
# Outside DEBUG the product refuses to start without a real signing key; the
# tests (and the servers they start) get a fresh random one per run.
export SECRET_KEY="${SECRET_KEY:-$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')}"
# Pages are rendered with the production static files storage (hashed names).
"$PY" manage.py collectstatic --noinput -v0
# The test session gets its own SQS server, so it never touches a running
# development queue; end-to-end tests start further ones of their own.
unset SQS_ENDPOINT_URL
port="$(free_port)"
ensure_sqs "$port"
trap 'kill "$(cat "$STATE/sqs-$port.pid")" 2>/dev/null || true' EXIT
export SQS_NAMESPACE=test
"$VENV/bin/pytest" "$@"
