# syntax=docker/dockerfile:1
# profiler-streams: Kafka Streams profiles and segment rules, segment admin API, visitor queries;
# port 8060.
#
# Build from the repository root after `./vp build`, which leaves
# profiler-streams/target/profiler-streams-<version>.jar (runnable with java -jar) and its
# dependencies in profiler-streams/target/lib/:
#   docker build -f deploy/docker/profiler-streams.Dockerfile \
#     -t visitor-profiler/profiler-streams:0.1.0 .
# BuildKit reads profiler-streams.Dockerfile.dockerignore beside this file, which narrows the
# context to the jar and its lib/ (the repository root also holds .vp/ with the local stack's data).
#
# Base image: Eclipse Temurin 21 JRE on Ubuntu 24.04 (noble, glibc), not the Alpine variant.
# rocksdbjni 10.1.3 would run on Alpine (its jar carries librocksdbjni-linux64-musl.so and an
# aarch64 musl build), but Kafka's compression codecs would not: zstd-jni 1.5.6, snappy-java 1.1.10
# and lz4-java 1.10 ship glibc-only native libraries, and every service's Kafka client loads them.
# The Ubuntu variant also has curl, which the HEALTHCHECK uses. --build-arg BASE_IMAGE=... pins a
# digest or a mirror.
ARG BASE_IMAGE=eclipse-temurin:21-jre-noble
FROM ${BASE_IMAGE}

# The Maven project version of the jar to package; also the image's version label.
ARG VERSION=0.1.0-SNAPSHOT
LABEL org.opencontainers.image.title="visitor-profiler-profiler-streams" \
      org.opencontainers.image.description="Visitor Profiler profiler-streams" \
      org.opencontainers.image.version="${VERSION}"

# A fixed numeric user and group (10001), so that Kubernetes' runAsNonRoot can verify it.
RUN groupadd --gid 10001 visitor-profiler \
 && useradd --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin visitor-profiler
# Writable data: RocksDB state (VP_PROFILER_STATE_DIR). A volume in Kubernetes.
RUN mkdir -p /var/lib/visitor-profiler \
 && chown 10001:10001 /var/lib/visitor-profiler
VOLUME ["/var/lib/visitor-profiler"]

WORKDIR /opt/visitor-profiler
# Dependencies first: a layer that changes less often than the service's own jar. Files stay owned
# by root, read-only for the service user. The manifest's Class-Path names lib/<dependency>.jar
# relative to the jar, so lib/ sits beside it.
COPY profiler-streams/target/lib/ /opt/visitor-profiler/lib/
COPY profiler-streams/target/profiler-streams-${VERSION}.jar \
     /opt/visitor-profiler/profiler-streams.jar

# Listen on every interface inside the container (the services bind 127.0.0.1 by default). Heap: 50%
# of the container's memory limit (the rest is for RocksDB, its block cache bounded by
# VP_PROFILER_ROCKSDB_MEMORY_MB and at most 2 x 8 MiB of memtables per store, and the JVM's own
# memory); exit on OutOfMemoryError so that the
# orchestrator restarts a clean process. /tmp must be writable (native libraries are unpacked
# there): an emptyDir under readOnlyRootFilesystem. Logs go to standard output (service-runtime's log4j2.xml; LOG4J_CONFIGURATION_FILE=<path> for another).
ENV VP_HTTP_HOST=0.0.0.0 \
    VP_HTTP_PORT=8060 \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=50 -XX:+ExitOnOutOfMemoryError -Djava.io.tmpdir=/tmp"
ENV VP_PROFILER_STATE_DIR=/var/lib/visitor-profiler/state
# With more than one instance, set VP_PROFILER_ADVERTISED_HOST to the name the other instances reach
# this one under (interactive queries are forwarded to it); it defaults to VP_HTTP_HOST, which
# 0.0.0.0 cannot serve as.

USER 10001:10001
EXPOSE 8060

# Liveness only; readiness (Kafka Streams RUNNING) is for the orchestrator's probes.
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
  CMD curl -fsS -o /dev/null "http://127.0.0.1:${VP_HTTP_PORT}/health/live" || exit 1

# Main-Class io.visitorprofiler.profiler.Main. The JVM is PID 1 and stops cleanly on SIGTERM.
ENTRYPOINT ["java", "--enable-native-access=ALL-UNNAMED", "-jar", \
            "/opt/visitor-profiler/profiler-streams.jar"]
