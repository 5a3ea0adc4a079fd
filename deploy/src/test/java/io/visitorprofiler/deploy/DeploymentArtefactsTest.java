package io.visitorprofiler.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.visitorprofiler.runtime.config.KafkaClientProperties;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The deployment artefacts of {@code deploy/} (container images, Kubernetes overlays, alert rules,
 * dashboard) against the code they deploy: ports, health paths, environment variables and metric
 * names must be those the services really have, read from their sources. Each overlay is rendered
 * with {@code kubectl kustomize} (kubectl from the PATH, or the one {@code VP_KUBECTL} names).
 */
class DeploymentArtefactsTest {
  /** Maven runs the tests in the module's folder; the repository root is its parent. */
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  private static final Path DEPLOY = ROOT.resolve("deploy");
  private static final Path OVERLAYS = DEPLOY.resolve("k8s/overlays");
  private static final List<String> SERVICES =
      List.of("ingest-gateway", "profiler-streams", "segment-sink", "notifier");

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<Path, Rendered> RENDERED = new ConcurrentHashMap<>();

  private static final Pattern DEFAULT_PORT =
      Pattern.compile("HttpSettings\\.fromEnv\\(\\s*\\w+\\s*,\\s*(\\d+)\\s*\\)");
  private static final Pattern VARIABLE = Pattern.compile("\"(VP_[A-Z0-9_]+)\"");
  private static final Pattern METER =
      Pattern.compile(
          "(Timer\\.builder|Counter\\.builder|FunctionCounter\\.builder|Gauge\\.builder"
              + "|DistributionSummary\\.builder|\\.counter|\\.gauge|\\.gaugeMapSize"
              + "|\\.gaugeCollectionSize|\\bcount)\\(\\s*\"((?:vp|profiler)\\.[a-z0-9.]+)\"");
  private static final Pattern OUR_METRIC =
      Pattern.compile("(?<![A-Za-z0-9_:])(?:vp|profiler)_[a-z0-9_]+");
  private static final Pattern KAFKA_METRIC = Pattern.compile("(?<![A-Za-z0-9_:])kafka_[a-z0-9_]+");
  private static final Pattern QUOTED = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");

  static Stream<Path> overlays() throws IOException {
    try (Stream<Path> dirs = Files.list(OVERLAYS)) {
      return dirs
          .filter(d -> Files.isRegularFile(d.resolve("kustomization.yaml")))
          .sorted()
          .toList()
          .stream();
    }
  }

  @Test
  void thereAreADevAndAProductionOverlay() throws IOException {
    assertThat(overlays().map(p -> p.getFileName().toString())).contains("dev", "production");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("overlays")
  void everyServiceIsProbedSizedLockedDownAndReachable(Path overlay) {
    Rendered r = render(overlay);
    Map<String, Integer> ports = servicePorts();
    assertThat(r.workloads().stream().map(DeploymentArtefactsTest::name))
        .as("%s: the Deployments and StatefulSets", r.name())
        .containsExactlyInAnyOrderElementsOf(ports.keySet());
    for (JsonNode workload : r.workloads()) {
      String service = name(workload);
      int port = ports.get(service);
      String where = r.name() + " " + workload.path("kind").asText() + "/" + service;
      JsonNode pod = podSpec(workload);
      JsonNode container = container(workload, service);

      assertThat(containerPorts(container)).as("%s container ports", where).contains(port);
      assertProbe(where, container, "livenessProbe", "/health/live", port);
      assertProbe(where, container, "readinessProbe", "/health/ready", port);
      JsonNode resources = container.path("resources");
      assertThat(resources.path("requests").path("cpu").asText())
          .as("%s cpu request", where)
          .isNotBlank();
      assertThat(resources.path("requests").path("memory").asText())
          .as("%s memory request", where)
          .isNotBlank();
      assertThat(resources.path("limits").path("memory").asText())
          .as("%s memory limit", where)
          .isNotBlank();
      assertLockedDown(where, pod, container);

      Map<String, String> env = environment(r, container);
      assertThat(env)
          .as("%s must listen on the pod's interfaces, not 127.0.0.1", where)
          .containsEntry("VP_HTTP_HOST", "0.0.0.0");
      if (env.containsKey("VP_HTTP_PORT")) {
        assertThat(env.get("VP_HTTP_PORT")).as("%s VP_HTTP_PORT", where).isEqualTo("" + port);
      }
      Map<String, String> podLabels = labels(workload.path("spec").path("template"));
      assertThat(r.ofKind("Service"))
          .as("%s: a Service selecting its pods on port %d", where, port)
          .anySatisfy(
              s -> {
                assertThat(selects(s.path("spec").path("selector"), podLabels)).isTrue();
                assertThat(s.path("spec").path("ports"))
                    .anySatisfy(
                        p ->
                            assertThat(resolvePort(container, p.path("targetPort")))
                                .isEqualTo(port));
              });
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("overlays")
  void theProfilerKeepsItsStateOnClaimsWithStandbysBehindAHeadlessService(Path overlay) {
    Rendered r = render(overlay);
    JsonNode statefulSet = r.get("StatefulSet", "profiler-streams");
    JsonNode spec = statefulSet.path("spec");
    String where = r.name() + " StatefulSet/profiler-streams";
    JsonNode container = container(statefulSet, "profiler-streams");
    Map<String, String> env = environment(r, container);

    assertThat(spec.path("podManagementPolicy").asText()).as(where).isEqualTo("Parallel");
    assertThat(container.path("startupProbe").path("httpGet").path("path").asText())
        .as("%s start-up probe (state restoration)", where)
        .isEqualTo("/health/live");
    String stateDir = env.get("VP_PROFILER_STATE_DIR");
    assertThat(stateDir).as("%s VP_PROFILER_STATE_DIR", where).isNotBlank();
    Set<String> claims = new HashSet<>();
    spec.path("volumeClaimTemplates").forEach(t -> claims.add(name(t)));
    assertThat(claims).as("%s volumeClaimTemplates", where).isNotEmpty();
    assertThat(container.path("volumeMounts"))
        .as("%s: a claim mounted at (or above) the state dir %s", where, stateDir)
        .anySatisfy(
            m -> {
              assertThat(claims).contains(m.path("name").asText());
              String mountPath = m.path("mountPath").asText();
              assertThat(stateDir.equals(mountPath) || stateDir.startsWith(mountPath + "/"))
                  .isTrue();
            });
    assertThat(Integer.parseInt(env.getOrDefault("VP_PROFILER_STANDBY_REPLICAS", "0")))
        .as("%s VP_PROFILER_STANDBY_REPLICAS", where)
        .isGreaterThanOrEqualTo(1);

    String serviceName = spec.path("serviceName").asText();
    JsonNode headless = r.get("Service", serviceName);
    assertThat(headless.path("spec").path("clusterIP").asText())
        .as("%s: Service %s is headless", where, serviceName)
        .isEqualTo("None");
    assertThat(selects(headless.path("spec").path("selector"), labels(spec.path("template"))))
        .as("%s: Service %s selects the profiler's pods", where, serviceName)
        .isTrue();
    assertThat(env.get("VP_PROFILER_ADVERTISED_HOST"))
        .as("%s: the application.server other instances forward queries to", where)
        .contains("." + serviceName + ".");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("overlays")
  void theGatewayAutoscalesEveryWorkloadHasADisruptionBudgetAndTheTopicsJobRuns(Path overlay)
      throws IOException {
    Rendered r = render(overlay);
    assertThat(r.ofKind("HorizontalPodAutoscaler"))
        .as("%s: an autoscaling/v2 HorizontalPodAutoscaler of the gateway on CPU", r.name())
        .anySatisfy(
            hpa -> {
              assertThat(hpa.path("apiVersion").asText()).isEqualTo("autoscaling/v2");
              JsonNode target = hpa.path("spec").path("scaleTargetRef");
              assertThat(target.path("kind").asText()).isEqualTo("Deployment");
              assertThat(target.path("name").asText()).isEqualTo("ingest-gateway");
              assertThat(hpa.path("spec").path("metrics"))
                  .anySatisfy(
                      m -> assertThat(m.path("resource").path("name").asText()).isEqualTo("cpu"));
            });
    r.get("Deployment", "ingest-gateway");

    for (JsonNode workload : r.workloads()) {
      Map<String, String> podLabels = labels(workload.path("spec").path("template"));
      assertThat(r.ofKind("PodDisruptionBudget"))
          .as("%s: a PodDisruptionBudget selecting %s", r.name(), name(workload))
          .anySatisfy(
              pdb -> {
                assertThat(pdb.path("apiVersion").asText()).isEqualTo("policy/v1");
                assertThat(
                        selects(pdb.path("spec").path("selector").path("matchLabels"), podLabels))
                    .isTrue();
              });
    }

    JsonNode job = r.get("Job", "vp-topics");
    JsonNode topics = podSpec(job).path("containers").path(0);
    assertThat(topics.path("image").asText()).as("%s topics image", r.name()).contains("topics");
    List<String> args = texts(topics.path("args"));
    assertThat(args).as("%s topics arguments", r.name()).startsWith("apply");
    assertThat(argument(args, "--file"))
        .as("%s: the Job reads the catalogue where the topics image puts it", r.name())
        .contains(topicsFileInImage());
    assertLockedDown(r.name() + " Job/vp-topics", podSpec(job), topics);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("overlays")
  void everyVpVariableIsOneTheCodeReads(Path overlay) {
    Rendered r = render(overlay);
    Set<String> read = variablesReadByCode();
    Set<String> kafkaProperties = new TreeSet<>(ProducerConfig.configNames());
    kafkaProperties.addAll(ConsumerConfig.configNames());
    kafkaProperties.addAll(AdminClientConfig.configNames());
    for (JsonNode owner : r.podOwners()) {
      for (JsonNode container : podSpec(owner).path("containers")) {
        String where = r.name() + " " + owner.path("kind").asText() + "/" + name(owner);
        for (String variable : environment(r, container).keySet()) {
          if (!variable.startsWith("VP_")) {
            continue;
          }
          if (variable.startsWith(KafkaClientProperties.PREFIX)
              && !variable.equals(KafkaClientProperties.CONFIG_FILE)) {
            String property =
                variable
                    .substring(KafkaClientProperties.PREFIX.length())
                    .toLowerCase(Locale.ROOT)
                    .replace('_', '.');
            assertThat(kafkaProperties)
                .as("%s: %s passes %s through, which is no Kafka client property", where, variable)
                .contains(property);
          } else {
            assertThat(read)
                .as("%s: %s is read by no code under */src/main/java", where, variable)
                .contains(variable);
          }
        }
      }
    }
  }

  @Test
  void productionTalksSaslSslAndReplicatesTopicsThreeTimes() {
    Rendered r = render(OVERLAYS.resolve("production"));
    for (JsonNode owner : r.podOwners()) {
      for (JsonNode container : podSpec(owner).path("containers")) {
        String where = r.name() + " " + owner.path("kind").asText() + "/" + name(owner);
        Map<String, String> env = environment(r, container);
        assertThat(env).as(where).containsEntry("VP_KAFKA_SECURITY_PROTOCOL", "SASL_SSL");
        assertThat(env.get("VP_KAFKA_SASL_MECHANISM")).as(where).isNotBlank();
        assertThat(env.get("VP_KAFKA_SASL_JAAS_CONFIG")).as(where).contains(" required ");
        String truststore = env.get("VP_KAFKA_SSL_TRUSTSTORE_LOCATION");
        if (truststore != null) {
          assertThat(secretFileAt(r, podSpec(owner), container, truststore))
              .as("%s: %s is a file of a mounted, rendered Secret", where, truststore)
              .isTrue();
        }
      }
    }
    List<String> args =
        texts(podSpec(r.get("Job", "vp-topics")).path("containers").path(0).path("args"));
    assertThat(argument(args, "--replication-factor")).contains("3");
    assertThat(argument(args, "--min-insync-replicas")).contains("2");
  }

  @Test
  void eachServiceImageRunsAsANonRootUserAndChecksItsHealthOnItsPort() throws IOException {
    Map<String, Integer> ports = servicePorts();
    Set<String> read = variablesReadByCode();
    for (String service : SERVICES) {
      Path file = DEPLOY.resolve("docker/" + service + ".Dockerfile");
      assertThat(file).as("the image of %s", service).isRegularFile();
      List<String> instructions = instructions(file);
      String where = DEPLOY.relativize(file).toString();
      int port = ports.get(service);

      assertNonRootUser(where, instructions);
      List<String> healthChecks = arguments(instructions, "HEALTHCHECK");
      assertThat(healthChecks).as("%s HEALTHCHECK", where).hasSize(1);
      assertThat(healthChecks.get(0)).as("%s HEALTHCHECK", where).contains("/health/live");
      assertThat(arguments(instructions, "EXPOSE"))
          .as("%s EXPOSE", where)
          .anySatisfy(e -> assertThat(e.split("\\s+")).contains(String.valueOf(port)));
      Map<String, String> env = environment(instructions);
      assertThat(env)
          .as("%s ENV", where)
          .containsEntry("VP_HTTP_HOST", "0.0.0.0")
          .containsEntry("VP_HTTP_PORT", String.valueOf(port));
      env.keySet().stream()
          .filter(v -> v.startsWith("VP_"))
          .forEach(v -> assertThat(read).as("%s: ENV %s is read by no code", where, v).contains(v));
      assertThat(String.join("\n", arguments(instructions, "COPY")))
          .as("%s copies the jar and its lib/", where)
          .contains(service + "/target/" + service + "-${VERSION}.jar")
          .contains(service + "/target/lib/");
      assertThat(arguments(instructions, "ENTRYPOINT"))
          .as("%s ENTRYPOINT", where)
          .anySatisfy(e -> assertThat(e).contains("-jar"));
      assertContextHasEveryCopiedFile(file, instructions);
    }
  }

  @Test
  void theTopicsImageCarriesTheCatalogue() throws IOException {
    Path file = DEPLOY.resolve("docker/topics.Dockerfile");
    List<String> instructions = instructions(file);
    assertNonRootUser("topics.Dockerfile", instructions);
    assertThat(topicsFileInImage()).isNotBlank();
    assertThat(String.join("\n", arguments(instructions, "COPY")))
        .contains("deploy/target/deploy-${VERSION}.jar")
        .contains("deploy/target/lib/");
    assertContextHasEveryCopiedFile(file, instructions);
  }

  @Test
  void alertsAndDashboardUseOnlyMetricsTheServicesExport() throws IOException {
    Map<String, String> exported = exportedMetrics();
    String readmes = readmes();
    String code = String.join("\n", mainSources().values());

    List<String> ruleExpressions = new ArrayList<>();
    JsonNode rules = YAML.readTree(DEPLOY.resolve("monitoring/alert-rules.yml").toFile());
    for (JsonNode group : rules.path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        ruleExpressions.add(rule.path("expr").asText());
      }
    }
    String alerts = String.join("\n", ruleExpressions);
    assertThat(alerts)
        .as("alerts for consumer lag, dead letters, gateway 503s, Kafka Streams state, down")
        .contains("kafka_consumer_fetch_manager_records_lag_max")
        .contains("dead_letters_total")
        .contains("vp_gateway_batches_total")
        .contains("kafka_stream_client_state")
        .contains("up{");

    JsonNode dashboard =
        JSON.readTree(
            DEPLOY.resolve("monitoring/grafana/visitor-profiler-dashboard.json").toFile());
    List<String> panelExpressions = new ArrayList<>();
    collectExpressions(dashboard.path("panels"), panelExpressions);
    assertThat(panelExpressions).as("dashboard queries").isNotEmpty();
    assertThat(dashboard.path("templating").path("list"))
        .as("a datasource variable the panels use")
        .anySatisfy(v -> assertThat(v.path("type").asText()).isEqualTo("datasource"));

    Set<String> ours = new TreeSet<>();
    Set<String> kafka = new TreeSet<>();
    for (String expression : concat(ruleExpressions, panelExpressions)) {
      String withoutLabelValues = QUOTED.matcher(expression).replaceAll("\"\"");
      collect(OUR_METRIC, withoutLabelValues, ours);
      collect(KAFKA_METRIC, withoutLabelValues, kafka);
    }
    assertThat(ours).isNotEmpty();
    for (String metric : ours) {
      assertThat(exported)
          .as("%s: no meter of */src/main/java exports it; exported: %s", metric, exported.keySet())
          .containsKey(metric);
      assertThat(readmes)
          .as("%s: the metric %s is documented in no README", metric, exported.get(metric))
          .contains(exported.get(metric));
    }
    for (String metric : kafka) {
      String family = metric.split("_")[1];
      assertThat(family)
          .as("%s: Kafka client metrics of the services are consumer, producer or stream", metric)
          .isIn("consumer", "producer", "stream");
      // Kafka Streams' metrics include those of the clients inside it.
      List<String> binders =
          family.equals("stream")
              ? List.of("new KafkaStreamsMetrics(")
              : List.of("new KafkaClientMetrics(", "new KafkaStreamsMetrics(");
      assertThat(binders)
          .as("%s: no service binds the metrics of such a Kafka client", metric)
          .anySatisfy(binder -> assertThat(code).contains(binder));
    }
  }

  // ---------------------------------------------------------------- rendering and manifests

  /** The objects of one rendered overlay. */
  private record Rendered(String name, List<JsonNode> objects) {
    List<JsonNode> ofKind(String kind) {
      return objects.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
    }

    Optional<JsonNode> find(String kind, String name) {
      return ofKind(kind).stream()
          .filter(o -> name.equals(DeploymentArtefactsTest.name(o)))
          .findFirst();
    }

    JsonNode get(String kind, String name) {
      return find(kind, name)
          .orElseThrow(() -> new AssertionError(this.name + " renders no " + kind + " " + name));
    }

    List<JsonNode> workloads() {
      return concat(ofKind("Deployment"), ofKind("StatefulSet"));
    }

    List<JsonNode> podOwners() {
      return concat(workloads(), ofKind("Job"));
    }
  }

  private static Rendered render(Path overlay) {
    return RENDERED.computeIfAbsent(overlay, DeploymentArtefactsTest::kustomize);
  }

  private static Rendered kustomize(Path overlay) {
    String kubectl = kubectl();
    String name = overlay.getFileName().toString();
    try {
      Path errors = Files.createTempFile("kustomize-" + name, ".err");
      try {
        Process process =
            new ProcessBuilder(kubectl, "kustomize", overlay.toString())
                .redirectError(errors.toFile())
                .start();
        String out;
        try (InputStream in = process.getInputStream()) {
          out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
          process.destroyForcibly();
          fail("kubectl kustomize %s did not finish within 2 minutes", overlay);
        }
        String stderr = Files.readString(errors);
        assertThat(process.exitValue())
            .as("kubectl kustomize %s failed:%n%s", overlay, stderr)
            .isZero();
        assertThat(stderr).as("kubectl kustomize %s warns", overlay).isBlank();
        List<JsonNode> objects = new ArrayList<>();
        try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(out)) {
          while (documents.hasNextValue()) {
            JsonNode document = documents.nextValue();
            if (document != null && document.isObject()) {
              objects.add(document);
            }
          }
        }
        return new Rendered(name, objects);
      } finally {
        Files.deleteIfExists(errors);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while rendering " + overlay, e);
    }
  }

  private static String kubectl() {
    String configured = System.getenv("VP_KUBECTL");
    if (configured != null && !configured.isBlank()) {
      assertThat(Path.of(configured)).as("VP_KUBECTL").isExecutable();
      return configured;
    }
    String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isBlank() && Files.isExecutable(Path.of(dir, "kubectl"))) {
        return Path.of(dir, "kubectl").toString();
      }
    }
    return fail(
        "kubectl is not on the PATH: install kubectl (kustomize is built in) or set VP_KUBECTL to"
            + " its path; these tests render every overlay of deploy/k8s/overlays with `kubectl"
            + " kustomize`");
  }

  /** A container's environment as its process sees it: envFrom first, env on top. */
  private static Map<String, String> environment(Rendered r, JsonNode container) {
    Map<String, String> env = new LinkedHashMap<>();
    for (JsonNode from : container.path("envFrom")) {
      if (from.has("configMapRef")) {
        env.putAll(referencedData(r, "ConfigMap", from.path("configMapRef")));
      } else if (from.has("secretRef")) {
        env.putAll(referencedData(r, "Secret", from.path("secretRef")));
      }
    }
    for (JsonNode variable : container.path("env")) {
      String name = variable.path("name").asText();
      JsonNode from = variable.path("valueFrom");
      if (from.has("secretKeyRef")) {
        keyReference(r, "Secret", from.path("secretKeyRef")).ifPresent(v -> env.put(name, v));
      } else if (from.has("configMapKeyRef")) {
        keyReference(r, "ConfigMap", from.path("configMapKeyRef")).ifPresent(v -> env.put(name, v));
      } else if (from.has("fieldRef")) {
        env.put(name, "<" + from.path("fieldRef").path("fieldPath").asText() + ">");
      } else {
        env.put(name, variable.path("value").asText());
      }
    }
    return env;
  }

  private static Map<String, String> referencedData(Rendered r, String kind, JsonNode reference) {
    String name = reference.path("name").asText();
    Optional<JsonNode> object = r.find(kind, name);
    if (object.isEmpty()) {
      assertThat(reference.path("optional").asBoolean(false))
          .as("%s: %s %s is referenced but not rendered", r.name(), kind, name)
          .isTrue();
      return Map.of();
    }
    return data(object.get());
  }

  private static Optional<String> keyReference(Rendered r, String kind, JsonNode reference) {
    String name = reference.path("name").asText();
    String key = reference.path("key").asText();
    Optional<String> value =
        r.find(kind, name).map(DeploymentArtefactsTest::data).map(data -> data.get(key));
    if (value.isEmpty()) {
      assertThat(reference.path("optional").asBoolean(false))
          .as(
              "%s: %s %s has no key %s and the reference is not optional",
              r.name(), kind, name, key)
          .isTrue();
    }
    return value;
  }

  private static Map<String, String> data(JsonNode object) {
    boolean secret = "Secret".equals(object.path("kind").asText());
    Map<String, String> data = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> entry : object.path("data").properties()) {
      String value = entry.getValue().asText();
      data.put(
          entry.getKey(),
          secret
              ? new String(Base64.getMimeDecoder().decode(value), StandardCharsets.UTF_8)
              : value);
    }
    for (Map.Entry<String, JsonNode> entry : object.path("stringData").properties()) {
      data.put(entry.getKey(), entry.getValue().asText());
    }
    return data;
  }

  /** Whether {@code path} is a key of a rendered Secret mounted into the container. */
  private static boolean secretFileAt(Rendered r, JsonNode pod, JsonNode container, String path) {
    for (JsonNode mount : container.path("volumeMounts")) {
      String dir = mount.path("mountPath").asText();
      if (!path.startsWith(dir + "/")) {
        continue;
      }
      for (JsonNode volume : pod.path("volumes")) {
        if (volume.path("name").asText().equals(mount.path("name").asText())
            && volume.has("secret")) {
          String file = path.substring(dir.length() + 1);
          return r.find("Secret", volume.path("secret").path("secretName").asText())
              .map(s -> data(s).containsKey(file))
              .orElse(false);
        }
      }
    }
    return false;
  }

  private static void assertProbe(
      String where, JsonNode container, String probe, String path, int port) {
    JsonNode get = container.path(probe).path("httpGet");
    assertThat(get.path("path").asText()).as("%s %s path", where, probe).isEqualTo(path);
    assertThat(resolvePort(container, get.path("port")))
        .as("%s %s port", where, probe)
        .isEqualTo(port);
  }

  private static void assertLockedDown(String where, JsonNode pod, JsonNode container) {
    JsonNode podContext = pod.path("securityContext");
    JsonNode context = container.path("securityContext");
    assertThat(context.path("runAsNonRoot").asBoolean(podContext.path("runAsNonRoot").asBoolean()))
        .as("%s runAsNonRoot", where)
        .isTrue();
    assertThat(context.path("runAsUser").asInt(podContext.path("runAsUser").asInt()))
        .as("%s runs as a numeric user other than root", where)
        .isPositive();
    assertThat(context.path("readOnlyRootFilesystem").asBoolean())
        .as("%s readOnlyRootFilesystem", where)
        .isTrue();
    assertThat(context.path("allowPrivilegeEscalation").asBoolean(true))
        .as("%s allowPrivilegeEscalation", where)
        .isFalse();
    assertThat(texts(context.path("capabilities").path("drop")))
        .as("%s drops all capabilities", where)
        .contains("ALL");
    assertThat(
            context
                .path("seccompProfile")
                .path("type")
                .asText(podContext.path("seccompProfile").path("type").asText()))
        .as("%s seccomp profile", where)
        .isEqualTo("RuntimeDefault");
    assertThat(container.path("volumeMounts"))
        .as("%s: a writable /tmp (an emptyDir) under the read-only root", where)
        .anySatisfy(
            m -> {
              assertThat(m.path("mountPath").asText()).isEqualTo("/tmp");
              assertThat(pod.path("volumes"))
                  .anySatisfy(
                      v -> {
                        assertThat(v.path("name").asText()).isEqualTo(m.path("name").asText());
                        assertThat(v.has("emptyDir")).isTrue();
                      });
            });
  }

  private static JsonNode podSpec(JsonNode owner) {
    return owner.path("spec").path("template").path("spec");
  }

  private static JsonNode container(JsonNode owner, String name) {
    for (JsonNode container : podSpec(owner).path("containers")) {
      if (name.equals(container.path("name").asText())) {
        return container;
      }
    }
    throw new AssertionError(name(owner) + " has no container named " + name);
  }

  private static List<Integer> containerPorts(JsonNode container) {
    List<Integer> ports = new ArrayList<>();
    container.path("ports").forEach(p -> ports.add(p.path("containerPort").asInt()));
    return ports;
  }

  /** A port given by number or by the name of one of the container's ports. */
  private static int resolvePort(JsonNode container, JsonNode port) {
    if (port.isInt()) {
      return port.asInt();
    }
    if (port.asText().matches("\\d+")) {
      return Integer.parseInt(port.asText());
    }
    for (JsonNode declared : container.path("ports")) {
      if (port.asText().equals(declared.path("name").asText())) {
        return declared.path("containerPort").asInt();
      }
    }
    return -1;
  }

  private static boolean selects(JsonNode selector, Map<String, String> podLabels) {
    if (!selector.isObject() || selector.isEmpty()) {
      return false;
    }
    for (Map.Entry<String, JsonNode> entry : selector.properties()) {
      if (!entry.getValue().asText().equals(podLabels.get(entry.getKey()))) {
        return false;
      }
    }
    return true;
  }

  private static Map<String, String> labels(JsonNode object) {
    Map<String, String> labels = new TreeMap<>();
    for (Map.Entry<String, JsonNode> entry : object.path("metadata").path("labels").properties()) {
      labels.put(entry.getKey(), entry.getValue().asText());
    }
    return labels;
  }

  private static String name(JsonNode object) {
    return object.path("metadata").path("name").asText();
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(e -> texts.add(e.asText()));
    return texts;
  }

  /** The value that follows {@code option} in a list of arguments. */
  private static Optional<String> argument(List<String> args, String option) {
    int at = args.indexOf(option);
    return at >= 0 && at + 1 < args.size() ? Optional.of(args.get(at + 1)) : Optional.empty();
  }

  // ---------------------------------------------------------------- Dockerfiles

  /** A Dockerfile's instructions: continuation lines joined, comments left out. */
  private static List<String> instructions(Path dockerfile) throws IOException {
    List<String> instructions = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : Files.readAllLines(dockerfile)) {
      String text = line.strip();
      if (text.startsWith("#") || text.isEmpty()) {
        continue;
      }
      if (text.endsWith("\\")) {
        current.append(text, 0, text.length() - 1).append(' ');
        continue;
      }
      current.append(text);
      instructions.add(current.toString().strip());
      current.setLength(0);
    }
    if (!current.isEmpty()) {
      instructions.add(current.toString().strip());
    }
    return instructions;
  }

  /** The arguments of every instruction named {@code keyword}, in order. */
  private static List<String> arguments(List<String> instructions, String keyword) {
    List<String> arguments = new ArrayList<>();
    for (String instruction : instructions) {
      String[] parts = instruction.split("\\s+", 2);
      if (parts[0].equalsIgnoreCase(keyword)) {
        arguments.add(parts.length > 1 ? parts[1].strip() : "");
      }
    }
    return arguments;
  }

  private static Map<String, String> environment(List<String> instructions) {
    Map<String, String> env = new LinkedHashMap<>();
    Pattern pair = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\"[^\"]*\"|\\S*)");
    for (String arguments : arguments(instructions, "ENV")) {
      Matcher m = pair.matcher(arguments);
      while (m.find()) {
        env.put(m.group(1), m.group(2).replaceAll("^\"|\"$", ""));
      }
    }
    return env;
  }

  private static void assertNonRootUser(String where, List<String> instructions) {
    List<String> users = arguments(instructions, "USER");
    assertThat(users).as("%s USER", where).isNotEmpty();
    String user = users.get(users.size() - 1);
    assertThat(user).as("%s: USER is numeric (uid or uid:gid)", where).matches("\\d+(:\\d+)?");
    assertThat(Integer.parseInt(user.split(":")[0])).as("%s: USER is not root", where).isPositive();
  }

  /** Every COPY source from the build context is let in by the Dockerfile's own .dockerignore. */
  private static void assertContextHasEveryCopiedFile(Path dockerfile, List<String> instructions)
      throws IOException {
    Path ignoreFile = dockerfile.resolveSibling(dockerfile.getFileName() + ".dockerignore");
    assertThat(ignoreFile).as("the build context filter of %s", dockerfile).isRegularFile();
    List<Pattern> included = new ArrayList<>();
    for (String line : Files.readAllLines(ignoreFile)) {
      String text = line.strip();
      if (text.startsWith("!")) {
        String glob = text.substring(1).replaceAll("/$", "");
        included.add(Pattern.compile(Pattern.quote(glob).replace("*", "\\E[^/]*\\Q") + "(/.*)?"));
      }
    }
    for (String copy : arguments(instructions, "COPY")) {
      List<String> parts = new ArrayList<>(List.of(copy.split("\\s+")));
      parts.removeIf(p -> p.startsWith("--"));
      for (String source : parts.subList(0, parts.size() - 1)) {
        String path = source.replace("${VERSION}", "0.1.0-SNAPSHOT").replaceAll("/$", "");
        assertThat(included)
            .as("%s: COPY %s is outside its .dockerignore's context", dockerfile, source)
            .anySatisfy(p -> assertThat(p.matcher(path).matches()).isTrue());
      }
    }
  }

  /** Where the topics image puts deploy/topics.yaml (its COPY destination). */
  private static String topicsFileInImage() throws IOException {
    for (String copy :
        arguments(instructions(DEPLOY.resolve("docker/topics.Dockerfile")), "COPY")) {
      String[] parts = copy.split("\\s+");
      if (parts.length == 2 && parts[0].equals("deploy/topics.yaml")) {
        return parts[1];
      }
    }
    return fail("topics.Dockerfile does not COPY deploy/topics.yaml to a file of the image");
  }

  // ---------------------------------------------------------------- the code and its docs

  /** The Java sources under every module's src/main/java, by path. */
  private static Map<Path, String> mainSources() {
    return Sources.MAIN;
  }

  private static final class Sources {
    static final Map<Path, String> MAIN = load();

    private static Map<Path, String> load() {
      Map<Path, String> sources = new TreeMap<>();
      try (Stream<Path> modules = Files.list(ROOT)) {
        for (Path module : modules.toList()) {
          Path main = module.resolve("src/main/java");
          if (!Files.isDirectory(main)) {
            continue;
          }
          try (Stream<Path> files = Files.walk(main)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
              sources.put(file, Files.readString(file));
            }
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      assertThat(sources).as("Java sources under %s/*/src/main/java", ROOT).isNotEmpty();
      return sources;
    }
  }

  /** Each service's port: the default its Main passes to HttpSettings.fromEnv. */
  private static Map<String, Integer> servicePorts() {
    Map<String, Integer> ports = new TreeMap<>();
    for (String service : SERVICES) {
      Path main = ROOT.resolve(service).resolve("src/main/java");
      mainSources()
          .forEach(
              (file, text) -> {
                Matcher m = DEFAULT_PORT.matcher(text);
                if (file.startsWith(main) && m.find()) {
                  ports.put(service, Integer.parseInt(m.group(1)));
                }
              });
      assertThat(ports).as("the port of %s (HttpSettings.fromEnv)", service).containsKey(service);
    }
    return ports;
  }

  /** Every VP_ variable name that appears as a string literal in the main sources. */
  private static Set<String> variablesReadByCode() {
    Set<String> names = new TreeSet<>();
    mainSources().values().forEach(text -> collectGroup(VARIABLE, text, names));
    return names;
  }

  /**
   * Every Prometheus series name the services' Micrometer meters produce, mapped to the name their
   * READMEs use: counters get {@code _total}, timers {@code _seconds} (with {@code _count}, {@code
   * _sum}, {@code _max}, {@code _bucket}), gauges keep their name.
   */
  private static Map<String, String> exportedMetrics() {
    Map<String, String> exported = new TreeMap<>();
    for (String text : mainSources().values()) {
      Matcher m = METER.matcher(text);
      while (m.find()) {
        String how = m.group(1);
        String base = m.group(2).replace('.', '_');
        if (how.startsWith("Timer")) {
          String seconds = base + "_seconds";
          for (String suffix : List.of("", "_count", "_sum", "_max", "_bucket")) {
            exported.put(seconds + suffix, seconds);
          }
        } else if (how.startsWith("DistributionSummary")) {
          for (String suffix : List.of("", "_count", "_sum", "_max", "_bucket")) {
            exported.put(base + suffix, base);
          }
        } else if (how.contains("auge")) {
          exported.put(base, base);
        } else {
          exported.put(base + "_total", base + "_total");
        }
      }
    }
    assertThat(exported).as("meters found in the main sources").isNotEmpty();
    return exported;
  }

  private static String readmes() throws IOException {
    StringBuilder text = new StringBuilder(Files.readString(ROOT.resolve("README.md")));
    try (Stream<Path> modules = Files.list(ROOT)) {
      for (Path module : modules.toList()) {
        Path readme = module.resolve("README.md");
        if (Files.isRegularFile(readme)) {
          text.append('\n').append(Files.readString(readme));
        }
      }
    }
    return text.toString();
  }

  private static void collectExpressions(JsonNode panels, List<String> expressions) {
    for (JsonNode panel : panels) {
      for (JsonNode target : panel.path("targets")) {
        if (target.hasNonNull("expr")) {
          expressions.add(target.path("expr").asText());
        }
      }
      collectExpressions(panel.path("panels"), expressions);
    }
  }

  private static void collect(Pattern pattern, String text, Set<String> into) {
    Matcher m = pattern.matcher(text);
    while (m.find()) {
      into.add(m.group());
    }
  }

  private static void collectGroup(Pattern pattern, String text, Set<String> into) {
    Matcher m = pattern.matcher(text);
    while (m.find()) {
      into.add(m.group(1));
    }
  }

  private static <T> List<T> concat(List<T> first, List<T> second) {
    List<T> all = new ArrayList<>(first);
    all.addAll(second);
    return all;
  }
}
