#!/usr/bin/env bash
# Validates every compose file and profile with `docker-compose config` (Debian's docker-compose
# 1.29 parses, merges and interpolates them without a container engine). The values given here
# only fill the required variables; test/unit/infrastructure/deploy.test.ts checks what the
# resolved files pass to the API and the worker (docker-compose.scale.yml is layered over the
# base file: three API processes, three workers, a three-member replica set).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v docker-compose >/dev/null 2>&1; then
  echo "check-compose: docker-compose is not installed (run scripts/install-test-services.sh)" >&2
  exit 1
fi

export JWT_SECRET="${JWT_SECRET:-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')}"
failed=0
for files in "-f docker-compose.yml" "-f docker-compose.yml -f docker-compose.override.yml" "-f docker-compose.yml -f docker-compose.scale.yml"; do
  for profile in "" "--profile observability"; do
    for env_file in "" "--env-file .env.example"; do
      # shellcheck disable=SC2086 # word splitting of the option lists is intended
      if docker-compose $env_file $files $profile config -q; then
        echo "ok: docker-compose $env_file $files $profile config"
      else
        echo "FAILED: docker-compose $env_file $files $profile config" >&2
        failed=1
      fi
    done
  done
done
exit "$failed"
