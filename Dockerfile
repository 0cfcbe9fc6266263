# syntax=docker/dockerfile:1
# Multi-stage: compile TypeScript in a build stage, install production deps in another, and run
# the compiled JS as the unprivileged `node` user. One image for every role, chosen at run time:
#   BOT_ROLE=all | ingress | worker   (docker run -e BOT_ROLE=worker …)
# Node: an LTS line on Debian slim. Bump NODE_IMAGE to move to the next LTS.
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY adapters ./adapters
COPY commands ./commands
COPY jobs ./jobs
RUN npm run build

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE}
# tini as PID 1: signals reach Node, and children (none in production) are reaped.
RUN apt-get update && apt-get install -y --no-install-recommends tini && rm -rf /var/lib/apt/lists/*
# HOST=0.0.0.0: inside a container the port is only reachable through what you publish. Without a
# platform token (local mode) the bot still listens on loopback only unless ADMIN_PASSWORD is set,
# so this image never exposes an unauthenticated playground.
ENV NODE_ENV=production BOT_ROLE=all HOST=0.0.0.0 PORT=3000
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json manifest.yml ./
# The production image carries no simulators, no fixtures and no tests: providers are real.
RUN rm -rf dist/adapters/providers/*/simulator && mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
# Every role serves /healthz (workers too), so one health check fits all.
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# On SIGTERM the bot stops taking work, hands its current steps back and closes within 15 s.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/bin/tini", "--", "node", "dist/src/main/index.js"]
