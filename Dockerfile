# syntax=docker/dockerfile:1
# NationPulse images: one file, one target per service plus `migrate`.
#   docker build --target bff -t nationpulse-bff:dev .        (make build does all six)
# Targets: bff, reporting, ingestion, scheduler, kubepulse, migrate.
# Needs BuildKit (the default builder of current Docker) for the ccache cache mount.

# ---------------------------------------------------------------------------------------- build
FROM debian:12 AS build
ENV DEBIAN_FRONTEND=noninteractive
# The package list is the one of the local build (scripts/install-deps.sh, PACKAGES), so the image
# compiles against exactly the libraries the tests ran with. The servers, Java/Maven (Kafka),
# chromium, wrk and clang-format only serve local runs and tests, so they are left out here.
COPY scripts/install-deps.sh /tmp/install-deps.sh
RUN set -eu; \
    eval "$(sed -n '/^PACKAGES=(/,/^)/{s/#.*//;p}' /tmp/install-deps.sh | tr '\n' ' ' | sed 's/^PACKAGES=(/set -- /; s/)[[:space:]]*$//')"; \
    skip=" postgresql postgresql-client redis-server openjdk-17-jre-headless maven wrk chromium clang-format "; \
    pkgs=""; for p in "$@"; do case "$skip" in *" $p "*) ;; *) pkgs="$pkgs $p";; esac; done; \
    apt-get update -qq; \
    apt-get install -y -qq --no-install-recommends $pkgs; \
    rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Sources only (.dockerignore keeps out build/, .state/, .git/, .env, docs); everything the top-level
# CMakeLists.txt adds must be present, tests and bench included, even though only the services are built.
COPY CMakeLists.txt CMakePresets.json ./
COPY cmake cmake
COPY proto proto
COPY libs libs
COPY services services
COPY tests tests
COPY bench bench
# ccache survives between builds in a BuildKit cache mount: a one-file change rebuilds in seconds.
RUN --mount=type=cache,target=/root/.cache/ccache \
    cmake --preset release >/dev/null && \
    cmake --build --preset release --target np-bff np-reporting np-ingestion np-scheduler np-kubepulse && \
    mkdir -p /out && \
    for s in bff reporting ingestion scheduler kubepulse; do \
      strip -o "/out/np-$s" "build/release/services/$s/np-$s"; \
    done

# -------------------------------------------------------------------------------------- runtime
# Only the shared libraries the five binaries link (readelf -d NEEDED, mapped with dpkg -S; apt adds
# their own dependencies). One list for all services keeps a single shared base layer.
# curl: the HEALTHCHECKs below (libcurl4 is needed by ingestion anyway).
# scripts/lint-deploy.sh checks this list against the binaries of the local build.
FROM debian:12-slim AS runtime
ENV DEBIAN_FRONTEND=noninteractive
ARG RUNTIME_PACKAGES="libabsl20220623 libboost-url1.81.0 libfmt9 libgrpc++1.51 libgrpc29 libprotobuf32 \
  libhiredis0.14 libpqxx-6.4 libprometheus-cpp-core1.0 librdkafka1 librdkafka++1 \
  libsodium23 libspdlog1.10 libssl3 libcurl4 libexpat1"
RUN apt-get update -qq && \
    apt-get install -y -qq --no-install-recommends $RUNTIME_PACKAGES ca-certificates tzdata curl && \
    rm -rf /var/lib/apt/lists/* && \
    useradd --system --uid 10001 --user-group --no-create-home --home-dir /app --shell /usr/sbin/nologin nationpulse
WORKDIR /app
# Numeric user, so Kubernetes' runAsNonRoot can verify it without reading /etc/passwd.
USER 10001:10001
# The services drain on SIGTERM (SHUTDOWN_TIMEOUT); say so explicitly.
STOPSIGNAL SIGTERM

FROM runtime AS bff
COPY --from=build /out/np-bff /usr/local/bin/np-bff
ENV PORT=8081 GRPC_PORT=50051
EXPOSE 8081 50051
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD curl -fsS -o /dev/null "http://127.0.0.1:${PORT}/livez" || exit 1
ENTRYPOINT ["/usr/local/bin/np-bff"]

FROM runtime AS reporting
COPY --from=build /out/np-reporting /usr/local/bin/np-reporting
ENV METRICS_PORT=8082 GRPC_PORT=50051
EXPOSE 8082 50051
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD curl -fsS -o /dev/null "http://127.0.0.1:${METRICS_PORT}/livez" || exit 1
ENTRYPOINT ["/usr/local/bin/np-reporting"]

FROM runtime AS ingestion
COPY --from=build /out/np-ingestion /usr/local/bin/np-ingestion
# The bundled OECD snapshot: SNAPSHOT_DIR=/app/data/oecd loads it without network access.
COPY data/oecd /app/data/oecd
ENV METRICS_PORT=8083 GRPC_PORT=50051
EXPOSE 8083 50051
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD curl -fsS -o /dev/null "http://127.0.0.1:${METRICS_PORT}/livez" || exit 1
ENTRYPOINT ["/usr/local/bin/np-ingestion"]

FROM runtime AS scheduler
COPY --from=build /out/np-scheduler /usr/local/bin/np-scheduler
ENV METRICS_PORT=8084 GRPC_PORT=50051
EXPOSE 8084 50051
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD curl -fsS -o /dev/null "http://127.0.0.1:${METRICS_PORT}/livez" || exit 1
ENTRYPOINT ["/usr/local/bin/np-scheduler"]

FROM runtime AS kubepulse
COPY --from=build /out/np-kubepulse /usr/local/bin/np-kubepulse
ENV KUBEPULSE_PORT=8090
EXPOSE 8090
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 \
  CMD curl -fsS -o /dev/null "http://127.0.0.1:${KUBEPULSE_PORT}/healthz" || exit 1
ENTRYPOINT ["/usr/local/bin/np-kubepulse"]

# ------------------------------------------------------------------------------------- migrate
# One-shot: applies db/migrations with scripts/migrate.sh (psql). The entrypoint maps the services'
# PG_DB_* variables to libpq's PG*, so it takes the same ConfigMap/Secret/env_file as the services.
FROM debian:12-slim AS migrate
RUN apt-get update -qq && \
    apt-get install -y -qq --no-install-recommends postgresql-client ca-certificates && \
    rm -rf /var/lib/apt/lists/* && \
    useradd --system --uid 10001 --user-group --no-create-home --home-dir /app --shell /usr/sbin/nologin nationpulse
WORKDIR /app
COPY scripts/migrate.sh /app/scripts/migrate.sh
COPY db/migrations /app/db/migrations
COPY deploy/docker/migrate-entrypoint.sh /app/migrate-entrypoint.sh
USER 10001:10001
STOPSIGNAL SIGTERM
ENTRYPOINT ["/app/migrate-entrypoint.sh"]
