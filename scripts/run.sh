#!/usr/bin/env bash
# Set up everything and run the product: SQS server, queues, database, demo
# data, web (gunicorn) and worker (dramatiq) on http://127.0.0.1:8000.
source "$(dirname "$0")/common.sh"

install_system_packages
install_python_packages
ensure_mariadb
ensure_sqs 9324
export DB_NAME="${DB_NAME:-analytics}" DEBUG="${DEBUG:-1}"
mariadb -h"$DB_HOST" -P"$DB_PORT" -u"$DB_USER" ${DB_PASSWORD:+-p"$DB_PASSWORD"} \
  -e "CREATE DATABASE IF NOT EXISTS \`$DB_NAME\` CHARACTER SET utf8mb4"

log "Creating queues, migrating, seeding the demo site"
"$PY" manage.py create_queues
"$PY" manage.py migrate --noinput -v0
"$PY" manage.py collectstatic --noinput -v0
"$PY" manage.py seed_demo

log "Starting web and worker (Ctrl-C stops both)"
trap 'kill $(jobs -p) 2>/dev/null; wait' EXIT INT TERM
"$VENV/bin/gunicorn" -c analytics_site/gunicorn.conf.py analytics_site.wsgi &
"$PY" manage.py runworker &
sleep 2
cat <<MSG

  Analytics is running on http://127.0.0.1:8000
  Log in as demo@example.com with password demo-password-123
  Admin: http://127.0.0.1:8000/admin/ (same login)

MSG
wait -n
