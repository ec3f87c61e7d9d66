# Build stage: compile TypeScript. `npm ci` installs exactly the committed lock and fails if it is out of date.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# Runtime stage: production dependencies, compiled code and migrations, as a non-root user.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY --from=build /app/dist ./dist
# The API serves the dashboard's static files from src/ (tsc copies no HTML).
COPY src/api/dashboard ./src/api/dashboard
COPY migrations ./migrations
USER node
CMD ["node", "dist/workerMain.js"]
