# mqtt-jwt-bench: one shard of a run per container (see deploy/kubernetes/ and docs/scaling.md).
# Build: docker build -t mqtt-jwt-bench .
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json ./
COPY src ./src
COPY test ./test
COPY bench ./bench
COPY examples ./examples
COPY scenarios ./scenarios
RUN npm ci && npm run build

FROM node:20-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: the `prepare` build needs the dev dependencies; the build stage did it.
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist/src ./dist/src
COPY scenarios ./scenarios
RUN mkdir -p /reports /app/keys && chown -R node:node /reports /app/keys
USER node
ENTRYPOINT ["node", "dist/src/cli/main.js"]
CMD ["--help"]
