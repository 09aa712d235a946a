# syntax=docker/dockerfile:1
# One image for both roles: docker-compose.yml runs it as `serve --role api` and `serve --role worker`.

ARG NODE_IMAGE=node:22-bookworm-slim

# --- build: all dependencies, compile TypeScript, then drop the dev dependencies -------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# No install scripts: nothing the service uses needs one (prebuilt or pure JS/wasm), and none run unreviewed.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev --ignore-scripts --no-audit --no-fund

# --- runtime: compiled code and production dependencies only, as the unprivileged `node` user -------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/app/data
WORKDIR /app
# package.json carries the "#platform/*"-style import map that dist/ resolves through.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# Code stays owned by root (read-only to the service); only DATA_DIR is writable.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
CMD ["node", "dist/apps/cli/src/main.js", "serve", "--role", "api"]
