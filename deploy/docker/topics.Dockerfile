# syntax=docker/dockerfile:1
# topics: the topics tool (io.visitorprofiler.deploy.topics.TopicsCommand), which creates or checks
# every topic of deploy/topics.yaml on a cluster. A batch command (the Kubernetes Job vp-topics),
# not a server: no port, no health check.
#
# Build from the repository root after `./vp build`, which leaves deploy/target/deploy-<version>.jar
# (Main-Class TopicsCommand) and its dependencies in deploy/target/lib/:
#   docker build -f deploy/docker/topics.Dockerfile -t visitor-profiler/topics:0.1.0 .
# Run (exit code 0 in sync, 1 drift or missing topics, 2 usage or connection error):
#   docker run --rm -e VP_KAFKA_BOOTSTRAP_SERVERS=broker-1:9092 visitor-profiler/topics:0.1.0 \
#     apply --file /opt/visitor-profiler/topics.yaml --replication-factor 3 --min-insync-replicas 2
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
LABEL org.opencontainers.image.title="visitor-profiler-topics" \
      org.opencontainers.image.description="Visitor Profiler topics tool (topics apply|verify)" \
      org.opencontainers.image.version="${VERSION}"

# A fixed numeric user and group (10001), so that Kubernetes' runAsNonRoot can verify it.
RUN groupadd --gid 10001 visitor-profiler \
 && useradd --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin visitor-profiler

WORKDIR /opt/visitor-profiler
COPY deploy/target/lib/ /opt/visitor-profiler/lib/
COPY deploy/target/deploy-${VERSION}.jar /opt/visitor-profiler/topics.jar
# The topic catalogue the tool is told to read (--file): the exact file of this source tree, visible
# with `docker run --rm --entrypoint cat IMAGE /opt/visitor-profiler/topics.yaml`.
COPY deploy/topics.yaml /opt/visitor-profiler/topics.yaml

ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError -Djava.io.tmpdir=/tmp"
USER 10001:10001
HEALTHCHECK NONE

ENTRYPOINT ["java", "-jar", "/opt/visitor-profiler/topics.jar"]
CMD ["verify", "--file", "/opt/visitor-profiler/topics.yaml"]
