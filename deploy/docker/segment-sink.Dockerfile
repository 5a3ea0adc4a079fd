# syntax=docker/dockerfile:1
# segment-sink: segment history, transcripts and rule performance in PostgreSQL, query API; port
# 8070.
#
# Build from the repository root after `./vp build`, which leaves
# segment-sink/target/segment-sink-<version>.jar (runnable with java -jar) and its dependencies in
# segment-sink/target/lib/:
#   docker build -f deploy/docker/segment-sink.Dockerfile \
#     -t visitor-profiler/segment-sink:0.1.0 .
# BuildKit reads segment-sink.Dockerfile.dockerignore beside this file, which narrows the context to
# the jar and its lib/ (the repository root also holds .vp/ with the local stack's data).
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
LABEL org.opencontainers.image.title="visitor-profiler-segment-sink" \
      org.opencontainers.image.description="Visitor Profiler segment-sink" \
      org.opencontainers.image.version="${VERSION}"

# A fixed numeric user and group (10001), so that Kubernetes' runAsNonRoot can verify it.
RUN groupadd --gid 10001 visitor-profiler \
 && useradd --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin visitor-profiler

WORKDIR /opt/visitor-profiler
# Dependencies first: a layer that changes less often than the service's own jar. Files stay owned
# by root, read-only for the service user. The manifest's Class-Path names lib/<dependency>.jar
# relative to the jar, so lib/ sits beside it.
COPY segment-sink/target/lib/ /opt/visitor-profiler/lib/
COPY segment-sink/target/segment-sink-${VERSION}.jar /opt/visitor-profiler/segment-sink.jar
# The embedded PostgreSQL of the local stack is not used in containers: VP_SINK_JDBC_URL names the
# database. Its platform binaries are left out of the context
# (segment-sink.Dockerfile.dockerignore), so a container started without VP_SINK_JDBC_URL fails at
# start rather than run a database inside itself.

# Listen on every interface inside the container (the services bind 127.0.0.1 by default). Heap: 75%
# of the container's memory limit; exit on OutOfMemoryError so that the orchestrator restarts a
# clean process. /tmp must be writable (native libraries are unpacked there): an emptyDir under
# readOnlyRootFilesystem. Logs go to standard output (service-runtime's log4j2.xml; LOG4J_CONFIGURATION_FILE=<path> for another).
ENV VP_HTTP_HOST=0.0.0.0 \
    VP_HTTP_PORT=8070 \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError -Djava.io.tmpdir=/tmp"

USER 10001:10001
EXPOSE 8070

# Liveness only; readiness (the database and the delivery loop) is for the orchestrator's probes.
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
  CMD curl -fsS -o /dev/null "http://127.0.0.1:${VP_HTTP_PORT}/health/live" || exit 1

# Main-Class io.visitorprofiler.sink.Main. The JVM is PID 1 and stops cleanly on SIGTERM.
ENTRYPOINT ["java", "--enable-native-access=ALL-UNNAMED", "-jar", \
            "/opt/visitor-profiler/segment-sink.jar"]
