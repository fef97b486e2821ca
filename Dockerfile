# backupgraph: build the TypeScript, then run the compiled gateway as a non-root user.
# Build: docker build -t backupgraph:0.1.0 .   Run: see deploy/compose/ and deploy/kubernetes/.

FROM node:20-bookworm-slim AS build
WORKDIR /app
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
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY --from=build /app/console/dist ./console/dist
USER node
EXPOSE 4000
# Node's own fetch: the slim image has no curl.
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:4000/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/main.js", "--config", "/etc/backupgraph/config.yaml"]
