# mqtt-jwt-bench: one shard of a run per container (see deploy/kubernetes/ and docs/scaling.md).
# Build: docker build -t mqtt-jwt-bench .   (Node 24, the current LTS; the build stage compiles src/ only)
# Run:   docker run --rm -v "$PWD/reports:/reports" mqtt-jwt-bench run --devices 100 --duration 10s
FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
# --ignore-scripts: `prepare` would build the tests too; the image compiles only src/.
RUN npm ci --ignore-scripts
COPY src ./src
RUN npm run build:src

FROM node:24-slim
ENV NODE_ENV=production
# tini as PID 1: the kernel drops signals that PID 1 has no handler for, so a Node process (or the
# `sh -c` of the keygen and merge Jobs) as PID 1 would ignore SIGTERM until the kill after the grace
# period. Kubernetes has no `--init` (docker's and podman's), so the init is in the image.
RUN apt-get update && apt-get install -y --no-install-recommends tini && apt-get clean && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: the `prepare` build needs the dev dependencies; the build stage did it.
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist/src ./dist/src
COPY scenarios ./scenarios
# Reports go to the volume /reports: deploy/kubernetes mounts it, and `run`'s default folder
# (--report-dir reports, under /app) leads there too. /keys is where the keygen Job writes the fleet.
RUN chmod +x /app/dist/src/cli/main.js && ln -s /app/dist/src/cli/main.js /usr/local/bin/mqtt-jwt-bench \
  && mkdir -p /reports /keys /app/keys \
  && ln -s /reports /app/reports \
  && chown node:node /reports /keys /app/keys
VOLUME ["/reports"]
# The node user of the base, by number, so that `runAsNonRoot` can check it without a runAsUser.
USER 1000:1000
# The smoke test: the build fails if the CLI cannot start.
RUN mqtt-jwt-bench --version
ENTRYPOINT ["tini", "--", "mqtt-jwt-bench"]
CMD ["--help"]
