# syntax=docker/dockerfile:1
#
# One image for every process: web (gunicorn, the default CMD), worker
# (`python manage.py runworker`) and one-off commands (`migrate`,
# `create_queues`, `createsuperuser`). See docs/deployment.md.
#
# Python 3.11 to match the machines the project is developed on (Django 5.2).
# Builder and runtime must use the same base image: the venv's interpreter
# is a symlink to the base image's /usr/local/bin/python.
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# --- builder: compile mysqlclient and install the runtime dependencies -------
FROM ${PYTHON_IMAGE} AS builder

RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential libmariadb-dev pkg-config \
 && rm -rf /var/lib/apt/lists/*

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv \
 && /opt/venv/bin/pip install --upgrade pip setuptools wheel

WORKDIR /build
# Only pyproject.toml: this layer is rebuilt only when dependencies change.
# pyproject.toml lists no packages of its own (`packages = []`), so this
# installs the dependencies only, and without the [dev] extras (no moto,
# pytest or playwright in the image).
COPY pyproject.toml ./
RUN /opt/venv/bin/pip install .

# --- runtime: the venv, the code and the MariaDB client library only -------
FROM ${PYTHON_IMAGE} AS runtime

# libmariadb3 is the shared library mysqlclient links against. (The base
# image already has ca-certificates for AWS and tzdata for site time zones.)
RUN apt-get update \
 && apt-get install -y --no-install-recommends libmariadb3 \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid app --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin app

ENV PATH="/opt/venv/bin:${PATH}" \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DJANGO_SETTINGS_MODULE=analytics_site.settings \
    WEB_BIND=0.0.0.0:8000

COPY --from=builder /opt/venv /opt/venv

WORKDIR /app
COPY manage.py ./
COPY analytics_site ./analytics_site
COPY accounts ./accounts
COPY reports ./reports
COPY tracking ./tracking
COPY billing ./billing
COPY common ./common
COPY templates ./templates
COPY static ./static

# Static files are collected at build time (settings import without a
# database: nothing connects until a query runs). Code and static files stay
# owned by root, read-only to the app user; bytecode is compiled here because
# the app user cannot write __pycache__. Settings refuse to load without a
# real SECRET_KEY, so collectstatic gets a throwaway one that is not kept.
RUN SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    python manage.py collectstatic --noinput -v0 \
 && python -m compileall -q /app

USER app
EXPOSE 8000

# /health answers 200 when the database answers, 503 otherwise. The Host
# header is taken from ALLOWED_HOSTS so Django does not reject the probe.
# The worker has no HTTP server: disable this check for it (the compose file does).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request as r; hosts = [h.strip().lstrip('.') for h in os.environ.get('ALLOWED_HOSTS', 'localhost').split(',') if h.strip() and h.strip() != '*']; port = os.environ.get('WEB_BIND', '0.0.0.0:8000').rsplit(':', 1)[1]; r.urlopen(r.Request('http://127.0.0.1:' + port + '/health', headers={'Host': (hosts or ['localhost'])[0]}), timeout=4)"]

CMD ["gunicorn", "-c", "analytics_site/gunicorn.conf.py", "analytics_site.wsgi"]
