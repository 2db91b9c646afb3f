# TicketBottle application image: one image for actor nodes (default CMD), gateways and the
# migration job; docker-compose.yml picks the entry point with `command:`.
# TypeScript runs through tsx (a runtime dependency); the only build step is the web pages (Vite).
FROM node:20-bookworm-slim

WORKDIR /app

# A Unicode font for PDF tickets (Vietnamese names): tickets/render.ts uses DejaVu when present.
RUN apt-get update && apt-get install -y --no-install-recommends fonts-dejavu-core && rm -rf /var/lib/apt/lists/*

# Dependencies first, so a code change does not reinstall them. npm ci installs exactly the lock.
# (npm 11 skips install scripts not in allowScripts; tsx/esbuild and msgpackr load their prebuilt
# optional packages, and uWebSockets.js ships its binaries, so nothing needs a compiler here.)
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund && npm cache clean --force

# The project (.dockerignore keeps the host's node_modules, .data, dist and .git out).
COPY . .
# The web pages (web/dist), which the gateway serves: built here, where Vite (a dev dependency) is installed.
RUN npx tsx web/build.ts --force --check

ENV NODE_ENV=production
USER node

# Actor node: metrics/health on its fixed admin port 9181 (README "Ports"; the gateway's is 9180).
EXPOSE 8080 9181
CMD ["node", "--import", "tsx", "actors/node-main.ts"]
