# One image for the API and the worker; compose picks the command (docker-compose.yml).
# Node 24 LTS, the compiled build (dist/), production dependencies only, run as the
# unprivileged `node` user. Build: docker build -t nexus .
ARG NODE_IMAGE=node:24-bookworm-slim

# Production dependencies only. argon2 is the one native module: its N-API prebuild loads on
# Node 24 (scripts/check-native.cjs proves it hashes here, or the build stops).
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY scripts/check-native.cjs ./scripts/
RUN node scripts/check-native.cjs

# The compiler and the rest of the dev dependencies, only to build dist/.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/copy-assets.cjs ./scripts/
COPY src ./src
RUN npm run build

FROM ${NODE_IMAGE}
ENV NODE_ENV=production
# glibc's allocator with one arena. Each argon2 hash mallocs 19 MiB; with an arena per thread,
# every libuv thread that ever hashed kept its 19 MiB for good (4 threads: ~76 MB). With one
# arena the process holds at most the hashes running at once (the pool's limit), and gives the
# rest back: peak RSS under the bench's read/login/register load 155 MB instead of 205, idle
# -2 to -4 MB, login throughput unchanged within the noise (per-round ratio medians 0.97-1.08 in
# four interleaved runs); the price is ~1.5 ms more system CPU per login (pages given back are
# faulted in again), ~6% of a login's CPU. MALLOC_ARENA_MAX=2 kept the peak at 186-208 MB, and
# MALLOC_MMAP_THRESHOLD_=1048576 maps and faults every hash's 19 MiB afresh (1.38 x the CPU per
# verify). `npm run start:prod`, `worker:prod` and compose set the same (test/e2e/compiled.test.ts
# keeps them equal); an ENV MALLOC_* line here is also what the bench gives its servers
# (bench/fixtures.ts). glibc reads it when the process starts: it cannot be set from inside.
ENV MALLOC_ARENA_MAX=1
WORKDIR /app
# Owned by root and read-only to the process: the app cannot change its own code.
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
USER node
# 3000: the API (PORT); 3001: the worker's health and metrics (WORKER_HEALTH_PORT);
# 9464: the API's metrics when METRICS_PORT is set (compose sets it).
EXPOSE 3000 3001 9464
# As `npm run start:prod` (and the compose worker's command as `worker:prod`): V8's young generation
# capped at 4 MiB semi-spaces instead of growing to 16 at start (idle RSS -3.5 to -6 MB, peak under
# load -22 MB, throughput unchanged within the noise); V8 reads it only from the command line or
# NODE_OPTIONS. test/e2e/compiled.test.ts keeps the three command lines the same.
CMD ["node", "--max-semi-space-size=4", "--enable-source-maps", "dist/infrastructure/server.js"]
