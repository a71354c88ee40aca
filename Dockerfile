# baton-seismic container: a build stage compiles TypeScript, a deps stage installs production
# dependencies only, and the runtime stage runs as the unprivileged `node` user (uid/gid 1000 in
# the node images) with just those. The binary handles SIGTERM/SIGINT itself, also as PID 1, so
# no init is needed: `docker stop` ends a one-shot sync with 143 after storing what it fetched.
# test/production-layout.test.ts assembles the same runtime layout (package*.json + dist/ +
# `npm ci --omit=dev`) and runs a sync and `serve` from it.
#
#   docker build -t baton-seismic .
#   docker run --rm baton-seismic --demo --file /tmp/sync.c1z
#   docker run --rm -p 50051:50051 -e BATON_LISTEN=0.0.0.0:50051 -e BATON_INSECURE_PLAINTEXT=true \
#     baton-seismic serve --demo

ARG NODE_IMAGE=node:24-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
# No install scripts: `prepare` would build before the sources are copied; the build runs below.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    BATON_LOG_FORMAT=json
WORKDIR /app
COPY --from=deps /app/package.json ./package.json
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist/src ./dist/src
# `baton-seismic` on PATH, as the entrypoint and for `docker exec … baton-seismic c1z …`.
RUN ln -s /app/dist/src/main.js /usr/local/bin/baton-seismic && chmod 755 /app/dist/src/main.js
# c1z files are written relative to the working directory unless --file says otherwise.
RUN mkdir /data && chown 1000:1000 /data
WORKDIR /data
# By number, not name: kubelet can only verify runAsNonRoot for a numeric user.
USER 1000:1000
EXPOSE 50051
# Probes `serve` on --listen (BATON_LISTEN), with the same TLS flags; exits 1 unless SERVING.
HEALTHCHECK --interval=30s --timeout=10s --start-period=20s --retries=3 \
  CMD ["baton-seismic", "health", "--timeout", "5"]
ENTRYPOINT ["baton-seismic"]
