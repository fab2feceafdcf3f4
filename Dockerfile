# rotor's image: the packed npm package (the bundled CLI and the shipped runbooks) and nothing else.
# Built from what CI tests: `npm pack`, then that tarball installed alone (test/package-install.test.ts).
# `rotor cronjob` names it <registry>/rotor:<package version>.

# --- build: compile, bundle, check the runbooks, pack ---
FROM node:20.19-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
COPY runbooks ./runbooks
COPY README.md SECURITY.md ./
COPY docs/events.md ./docs/events.md
RUN npm run -s build && mkdir /pack && npm pack --pack-destination /pack && mv /pack/rotor-*.tgz /pack/rotor.tgz

# --- runtime: the tarball installed globally; no sources, no dev tools, not root ---
FROM node:20.19-bookworm-slim
COPY --from=build /pack/rotor.tgz /tmp/rotor.tgz
RUN npm install --global --no-audit --no-fund /tmp/rotor.tgz && rm /tmp/rotor.tgz && npm cache clean --force
# Journals and the session key live here; the CronJob mounts its PersistentVolumeClaim on it.
ENV ROTOR_HOME=/var/lib/rotor
RUN mkdir -p /var/lib/rotor && chown 10001:10001 /var/lib/rotor
# Numeric, so the kubelet can check runAsNonRoot without reading /etc/passwd.
USER 10001:10001
WORKDIR /var/lib/rotor
ENTRYPOINT ["rotor"]
CMD ["--help"]
