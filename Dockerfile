# mqtt-jwt-bench: one shard of a run per container (see deploy/kubernetes/ and docs/scaling.md).
# Build: docker build -t mqtt-jwt-bench .
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
# --ignore-scripts: `prepare` would build the tests too; the image compiles only src/.
RUN npm ci --ignore-scripts
COPY src ./src
RUN npm run build:src

FROM node:20-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: the `prepare` build needs the dev dependencies; the build stage did it.
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist/src ./dist/src
COPY scenarios ./scenarios
# /app/reports is where `run` writes by default (--report-dir reports); /reports is what deploy/kubernetes mounts.
RUN mkdir -p /reports /app/reports /app/keys && chown -R node:node /reports /app/reports /app/keys
USER node
ENTRYPOINT ["node", "dist/src/cli/main.js"]
CMD ["--help"]
