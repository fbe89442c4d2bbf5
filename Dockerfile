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
# glibc gives each thread that allocates an arena of its own (up to 8 per core), and every libuv
# thread that ran an argon2 hash keeps its 19 MiB there after the hash: two arenas cap what the
# API holds under login and registration load (peak RSS 208 -> 199-203 MB in one bench run; argon2
# verify's CPU time 1.03 x, within the noise). MALLOC_MMAP_THRESHOLD_ would cut more (160 MB) but
# maps and faults in every hash's memory afresh: 1.38 x the CPU per verify. Not settable from
# inside Node: glibc reads it at start.
ENV MALLOC_ARENA_MAX=2
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
