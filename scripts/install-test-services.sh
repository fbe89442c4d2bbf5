#!/usr/bin/env bash
# Installs the servers the integration tests use on a Debian machine with no container engine:
# redis-server from Debian's package, and FerretDB (a MongoDB wire-protocol server) built from
# tools/ferretdb with Go. Idempotent: what is already there is left alone.
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
