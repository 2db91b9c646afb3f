# TicketBottle application image: one image for actor nodes (default CMD), gateways, workers and the
# migration job; docker-compose.yml picks the entry point with `command:`.
# Two stages: `build` installs everything and runs `npm run build` (the web pages with Vite, the
# TypeScript with tsc, migrations and pages copied into dist/); the runtime stage holds only the
# compiled JavaScript and the production dependencies, runs as the unprivileged `node` user, and
# has no TypeScript, tsx, Vite, tests or benchmarks in it. The same build runs in CI
# (test/e2e/dist.test.ts starts it with `node dist/ops/start.js` and runs the checkout e2e suite).

# ---- build ----------------------------------------------------------------------------------
FROM node:20-bookworm-slim AS build
WORKDIR /app
# Dependencies first, so a code change does not reinstall them. npm ci installs exactly the lock.
# (npm 11 skips install scripts not in allowScripts; tsx/esbuild and msgpackr load their prebuilt
# optional packages, and uWebSockets.js ships its binaries, so nothing needs a compiler here.)
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
# The project (.dockerignore keeps the host's node_modules, .data, dist and .git out).
COPY . .
RUN npm run build \
 && rm -rf dist/test dist/bench dist/tools \
 && find dist -name '*.map' -delete

# ---- runtime --------------------------------------------------------------------------------
FROM node:20-bookworm-slim AS runtime
WORKDIR /app
# A Unicode font for PDF tickets (Vietnamese names): tickets/render.ts uses DejaVu when present.
RUN apt-get update && apt-get install -y --no-install-recommends fonts-dejavu-core && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production
# Production dependencies only; no lifecycle scripts (the `prepare` script builds pages, done above).
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts && npm cache clean --force
# dist/ holds the compiled code, db/migrations (read by the migrator) and web/dist (served pages).
COPY --from=build --chown=root:root /app/dist ./dist
COPY nats.conf ./

USER node
# Actor node: metrics/health on its fixed admin port 9181 (README "Ports"); the gateway
# serves on 8080. The health check asks whichever HTTP server this container's process runs
# (TB_HEALTH_URL; an actor node by default).
EXPOSE 8080 9181
ENV TB_HEALTH_URL=http://127.0.0.1:9181/healthz
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(process.env.TB_HEALTH_URL).then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/actors/node-main.js"]
