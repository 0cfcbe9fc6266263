# syntax=docker/dockerfile:1
# Multi-stage: compile TypeScript in a build stage, run the compiled JS as a non-root user.
# One image for every role: BOT_ROLE=all | ingress | worker.

FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY adapters ./adapters
COPY commands ./commands
COPY jobs ./jobs
RUN npm run build

FROM node:22-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:22-bookworm-slim
ENV NODE_ENV=production BOT_ROLE=all HOST=0.0.0.0 PORT=3000
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json manifest.yml* ./
# The Krea simulator's assets and OpenAPI snapshot (used only when no KREA_API_TOKEN is set).
COPY adapters/providers/krea/simulator/assets ./dist/adapters/providers/krea/simulator/assets
COPY test/fixtures/krea-openapi.json ./dist/test/fixtures/krea-openapi.json
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
ENTRYPOINT ["node", "dist/src/main/index.js"]
