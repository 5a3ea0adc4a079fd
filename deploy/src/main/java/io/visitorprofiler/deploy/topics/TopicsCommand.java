package io.visitorprofiler.deploy.topics;

import io.visitorprofiler.runtime.config.ConfigException;
import io.visitorprofiler.runtime.config.EnvConfig;
import io.visitorprofiler.runtime.config.KafkaClientProperties;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * {@code vp topics apply|verify}: creates or checks every topic of the catalogue on any cluster.
 * Kafka client settings come from {@code VP_KAFKA_*} variables (SASL, TLS); exit code 0 means the
 * cluster matches, 1 that drift or missing topics remain, 2 a usage or connection error.
 */
public final class TopicsCommand {
  static final String USAGE =
      """
      usage: vp topics apply|verify [options]
        apply                      create missing topics, report drift
        verify                     change nothing, report missing topics and drift
        --fix                      (apply) also set drifted topic configs to the catalogue's values
        --file PATH                topic file (default: the bundled deploy/topics.yaml)
        --bootstrap-server HOSTS   overrides VP_KAFKA_BOOTSTRAP_SERVERS (default 127.0.0.1:9092)
        --replication-factor N     overrides the file's default (production: 3)
        --min-insync-replicas N    overrides the file's default (production: 2)
        --timeout DURATION         how long to wait for the cluster (default 30s)
      Any Kafka client property can be given as VP_KAFKA_<NAME> (VP_KAFKA_SECURITY_PROTOCOL=SASL_SSL)
      or in a properties file named by VP_KAFKA_CONFIG_FILE.""";

  private TopicsCommand() {}

  public static void main(String[] args) {
    System.exit(run(args, EnvConfig.fromSystem(), System.out, System.err));
  }

  static int run(String[] args, EnvConfig env, PrintStream out, PrintStream err) {
    if (java.util.Arrays.stream(args).anyMatch(a -> a.equals("--help") || a.equals("-h"))) {
      out.println(USAGE);
      return 0;
    }
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      err.println(USAGE);
      return 2;
    }
    try {
      TopicCatalog catalog =
          options
              .file()
              .map(f -> TopicCatalog.fromFile(f, options.overrides()))
              .orElseGet(() -> TopicCatalog.bundled(options.overrides()));
      Map<String, Object> props = new HashMap<>(KafkaClientProperties.fromEnv(env));
      options.bootstrap().ifPresent(b -> props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, b));
      int timeoutMs = (int) options.timeout().toMillis();
      props.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs);
      props.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(timeoutMs, 15_000));
      try (Admin admin = Admin.create(props)) {
        TopicReport report =
            new TopicReconciler(admin, options.timeout()).reconcile(catalog, options.mode());
        print(report, options.mode(), out);
        return report.clean() ? 0 : 1;
      }
    } catch (ConfigException
        | InvalidTopicCatalogException
        | TopicReconciliationException
        | java.io.UncheckedIOException e) {
      err.println("vp topics: " + e.getMessage());
      return 2;
    }
  }

  static void print(TopicReport report, TopicReconciler.Mode mode, PrintStream out) {
    report.created().forEach(t -> out.println("created    " + t));
    report.inSync().forEach(t -> out.println("ok         " + t));
    report.fixed().forEach(d -> out.println("fixed      " + d.topic() + "  " + d.describe()));
    report.missing().forEach(t -> out.println("missing    " + t + "  (run `vp topics apply`)"));
    for (TopicDrift d : report.drift()) {
      String hint =
          d.fixable()
              ? (mode == TopicReconciler.Mode.VERIFY
                  ? "  (apply --fix corrects it)"
                  : "  (--fix corrects it)")
              : "  (not changed automatically: it moves keys or data; change it deliberately)";
      out.println("drift      " + d.topic() + "  " + d.describe() + hint);
    }
    report.unmanaged().forEach(t -> out.println("unmanaged  " + t + "  (not in the topic file)"));
    out.println(
        report.clean()
            ? "topics: in sync with the catalogue"
            : "topics: "
                + report.missing().size()
                + " missing, "
                + report.drift().size()
                + " drifted");
  }

  record Options(
      TopicReconciler.Mode mode,
      Optional<Path> file,
      Optional<String> bootstrap,
      TopicCatalog.Overrides overrides,
      Duration timeout) {

    static Options parse(String[] args) {
      if (args.length == 0) {
        throw new IllegalArgumentException("vp topics: say apply or verify");
      }
      String verb = args[0];
      if (!verb.equals("apply") && !verb.equals("verify")) {
        throw new IllegalArgumentException("vp topics: unknown command '" + verb + "'");
      }
      boolean fix = false;
      Path file = null;
      String bootstrap = null;
      OptionalInt replication = OptionalInt.empty();
      OptionalInt minIsr = OptionalInt.empty();
      Duration timeout = Duration.ofSeconds(30);
      for (int i = 1; i < args.length; i++) {
        String arg = args[i];
        switch (arg) {
          case "--fix" -> fix = true;
          case "--file" -> file = Path.of(value(args, ++i, arg));
          case "--bootstrap-server" -> bootstrap = value(args, ++i, arg);
          case "--replication-factor" -> replication = OptionalInt.of(number(args, ++i, arg));
          case "--min-insync-replicas" -> minIsr = OptionalInt.of(number(args, ++i, arg));
          case "--timeout" -> {
            String text = value(args, ++i, arg);
            try {
              timeout = new EnvConfig(Map.of("--timeout", text)).duration("--timeout", timeout);
            } catch (ConfigException e) {
              throw new IllegalArgumentException(e.getMessage());
            }
          }
          default -> throw new IllegalArgumentException("vp topics: unknown option '" + arg + "'");
        }
      }
      if (fix && verb.equals("verify")) {
        throw new IllegalArgumentException("vp topics: --fix goes with apply, not verify");
      }
      TopicReconciler.Mode mode =
          verb.equals("verify")
              ? TopicReconciler.Mode.VERIFY
              : fix ? TopicReconciler.Mode.APPLY_AND_FIX : TopicReconciler.Mode.APPLY;
      return new Options(
          mode,
          Optional.ofNullable(file),
          Optional.ofNullable(bootstrap),
          new TopicCatalog.Overrides(replication, minIsr),
          timeout);
    }

    private static String value(String[] args, int i, String option) {
      if (i >= args.length) {
        throw new IllegalArgumentException("vp topics: " + option + " needs a value");
      }
      return args[i];
    }

    private static int number(String[] args, int i, String option) {
      String text = value(args, i, option);
      try {
        return Integer.parseInt(text);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("vp topics: " + option + " needs a number, got " + text);
      }
    }
  }
}
