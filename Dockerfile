# OODA Bot's image: one image for the worker (the default command) and the API (`node dist/apiMain.js`).
# docs/deploy.md runs it with docker-compose.yml; build with `docker build -t ooda-bot .`.

# Where the prebuilt workflow bundle lives in the image: the build stage writes it, the worker reads it.
ARG WORKFLOW_BUNDLE_PATH=/app/dist/workflow-bundle.js

# Build stage: compile TypeScript, then bundle the workflow code once, here, instead of in every worker at start.
# `npm ci` installs exactly the committed lock and fails if it is out of date.
FROM node:20-bookworm-slim AS build
ARG WORKFLOW_BUNDLE_PATH
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build
# Bundles dist/workflows, the same code and so the same build id a worker would bundle at start.
RUN WORKFLOW_BUNDLE_PATH="$WORKFLOW_BUNDLE_PATH" node dist/workflowBundleMain.js

# Runtime stage: production dependencies, compiled code, the bundle and migrations, as a non-root user.
FROM node:20-bookworm-slim
ARG WORKFLOW_BUNDLE_PATH
# jemalloc as malloc: it hands the native memory a worker frees back to the system, where glibc's allocator keeps
# it; a worker ran 65-70 MB lower on it in a 30-minute soak (scripts/topology/allocator.ts, docs/soak/README.md).
RUN apt-get update && apt-get install -y --no-install-recommends libjemalloc2 && rm -rf /var/lib/apt/lists/* \
  && ln -s "/usr/lib/$(uname -m)-linux-gnu/libjemalloc.so.2" /usr/local/lib/libjemalloc.so.2
ENV LD_PRELOAD=/usr/local/lib/libjemalloc.so.2
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# The API serves the dashboard's static files from src/ (tsc copies no HTML).
COPY src/api/dashboard ./src/api/dashboard
COPY migrations ./migrations
ENV WORKFLOW_BUNDLE_PATH=$WORKFLOW_BUNDLE_PATH
# The node image's unprivileged user (uid 1000); nothing in /app is writable by it, nor needs to be.
USER node
CMD ["node", "dist/workerMain.js"]
