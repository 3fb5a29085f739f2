# The API serving the built client; DuckDB file on a volume, PostgreSQL as the operational store.
FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json tsconfig.base.json ./
COPY shared/package.json shared/
COPY shared/warehouse/package.json shared/warehouse/
COPY shared/engine-duckdb/package.json shared/engine-duckdb/
COPY shared/engine-clickhouse/package.json shared/engine-clickhouse/
COPY etl/package.json etl/
COPY server/package.json server/
COPY client/package.json client/
COPY test/package.json test/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
# Chromium renders scheduled meeting packs (alerts of kind SCHEDULED_PACK); CJK fonts for zh-CN packs.
RUN apt-get update && apt-get install -y --no-install-recommends chromium fonts-noto-cjk && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production PORT=3000 REFUNDS_DB=/data/refunds.duckdb
COPY --from=build /app /app
VOLUME /data
EXPOSE 3000
USER node
CMD ["node", "server/dist/main.js"]
