# backupgraph: build the TypeScript, then run the compiled gateway as a non-root user.
# Build: docker build -t backupgraph:0.1.0 .   Run: see deploy/compose/ and deploy/kubernetes/.

FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 (the state file of a gateway without Redis) downloads a prebuilt addon, or builds
# one with node-gyp where it cannot: the tools for that.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# The console (console/ → console/dist, served at /console when server.console is on) is built from
# the typed documents in schema/client by scripts/build-console.ts.
COPY scripts ./scripts
COPY schema/client ./schema/client
COPY console ./console
RUN npm run build

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# The same tools for better-sqlite3, removed in the same layer: the runtime image keeps no compiler.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
  && npm ci --omit=dev --no-audit --no-fund && npm cache clean --force \
  && apt-get purge -y python3 make g++ && apt-get autoremove -y && rm -rf /var/lib/apt/lists/*
COPY --from=build /app/dist ./dist
COPY --from=build /app/console/dist ./console/dist
# state.dataDir's default (./data): jobs and idempotency records when no Redis is configured; mount a volume here.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 4000
# Node's own fetch: the slim image has no curl.
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:4000/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/main.js", "--config", "/etc/backupgraph/config.yaml"]
