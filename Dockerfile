# driftkoll in a container: `serve` (scheduler + web app) as a non-root user, the database on
# the /data volume. Build: docker build -t driftkoll .   Run: see docs/DEPLOY.md.

# ---- build: compile TypeScript and install production dependencies ----
FROM node:20-slim AS build
WORKDIR /app
# Only used when no prebuilt better-sqlite3 binary fits this platform (it then compiles SQLite).
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would build before the sources are here; the native module is built next.
RUN npm ci --ignore-scripts --no-audit --no-fund && npm rebuild better-sqlite3
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev --ignore-scripts

# ---- runtime: node, the compiled app, its data files; nothing else ----
FROM node:20-slim
ENV NODE_ENV=production \
    DRIFTKOLL_DB=/data/driftkoll.db \
    PORT=8080 \
    LOG_FORMAT=json
RUN groupadd --system driftkoll \
 && useradd --system --gid driftkoll --home-dir /data --no-create-home --shell /usr/sbin/nologin driftkoll \
 && mkdir -p /data \
 && chown driftkoll:driftkoll /data \
 && chmod 0700 /data
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY db ./db
COPY templates ./templates
COPY defaults ./defaults
USER driftkoll
VOLUME ["/data"]
EXPOSE 8080
# /healthz answers 503 when no source has been read successfully lately; node:20-slim has no curl.
HEALTHCHECK --interval=60s --timeout=10s --start-period=120s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node runs driftkoll directly (no npm, no shell), so `docker stop`'s SIGTERM reaches it.
ENTRYPOINT ["node", "/app/dist/cli/main.js"]
CMD ["serve"]
