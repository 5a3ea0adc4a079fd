package io.visitorprofiler.deploy.segments;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.visitorprofiler.runtime.config.EnvConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code vp segments apply|list|export}: segment definitions kept in a YAML file in git, applied to
 * a running profiler-streams through its admin API. {@code apply} checks the whole file first (each
 * definition validated and compiled by the profiler without being saved) and changes nothing when
 * any definition is refused; applying the same file again changes nothing. Exit code 0 means done,
 * 1 that the file was refused or a change failed, 2 a usage or connection error.
 */
public final class SegmentsCommand {
  static final String USAGE =
      """
      usage: vp segments apply -f FILE [--dry-run] [--prune]
             vp segments list [--site SITE]
             vp segments export [--site SITE] > FILE
        apply       validate every definition of FILE, then create or update those that differ
        --dry-run   (apply) validate and show what would change, change nothing
        --prune     (apply) also delete segments of the file's sites that the file does not list
        list        the profiler's segments, one per line
        export      the profiler's segments as a file for apply
        --url URL   profiler-streams (default VP_PROFILER_URL or http://127.0.0.1:8060)
        --token T   admin token (default VP_ADMIN_TOKEN or demo-admin)""";

  private SegmentsCommand() {}

  public static void main(String[] args) {
    System.exit(run(args, EnvConfig.fromSystem(), System.out, System.err));
  }

  record Options(
      String command,
      Optional<Path> file,
      boolean dryRun,
      boolean prune,
      Optional<String> site,
      URI url,
      String token) {

    static Options parse(String[] args, EnvConfig env) {
      if (args.length == 0) {
        throw new IllegalArgumentException("vp segments: a command is required");
      }
      String command = args[0];
      if (!Set.of("apply", "list", "export").contains(command)) {
        throw new IllegalArgumentException("vp segments: unknown command '" + command + "'");
      }
      Optional<Path> file = Optional.empty();
      Optional<String> site = Optional.empty();
      boolean dryRun = false;
      boolean prune = false;
      String url = env.string("VP_PROFILER_URL", "http://127.0.0.1:8060");
      String token = env.string("VP_ADMIN_TOKEN", "demo-admin");
      for (int i = 1; i < args.length; i++) {
        switch (args[i]) {
          case "-f", "--file" -> file = Optional.of(Path.of(value(args, ++i)));
          case "--dry-run" -> dryRun = true;
          case "--prune" -> prune = true;
          case "--site" -> site = Optional.of(value(args, ++i));
          case "--url" -> url = value(args, ++i);
          case "--token" -> token = value(args, ++i);
          default -> throw new IllegalArgumentException("vp segments: unknown option " + args[i]);
        }
      }
      if (command.equals("apply") && file.isEmpty()) {
        throw new IllegalArgumentException("vp segments apply: -f FILE is required");
      }
      return new Options(
          command, file, dryRun, prune, site, URI.create(url.replaceAll("/+$", "") + "/"), token);
    }

    private static String value(String[] args, int i) {
      if (i >= args.length) {
        throw new IllegalArgumentException("vp segments: " + args[i - 1] + " needs a value");
      }
      return args[i];
    }
  }

  static int run(String[] args, EnvConfig env, PrintStream out, PrintStream err) {
    Options options;
    try {
      options = Options.parse(args, env);
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      err.println(USAGE);
      return 2;
    }
    SegmentAdminClient api = new SegmentAdminClient(options.url(), options.token());
    try {
      return switch (options.command()) {
        case "apply" ->
            apply(
                SegmentFile.read(options.file().orElseThrow()),
                api,
                options.dryRun(),
                options.prune(),
                out,
                err);
        case "list" -> list(api, options.site(), out);
        default -> export(api, options.site(), out);
      };
    } catch (InvalidSegmentFileException e) {
      err.println("vp segments: the file was refused; nothing was applied:");
      e.problems().forEach(p -> err.println("  " + p));
      return 1;
    } catch (SegmentAdminException e) {
      err.println("vp segments: " + e.getMessage());
      return 2;
    }
  }

  private enum Action {
    CREATE,
    UPDATE,
    UNCHANGED
  }

  static int apply(
      SegmentFile file,
      SegmentAdminClient api,
      boolean dryRun,
      boolean prune,
      PrintStream out,
      PrintStream err) {
    Map<String, ObjectNode> current = new LinkedHashMap<>();
    api.list().forEach(d -> current.put(d.path("segmentId").asText(), d));

    // 1. The profiler validates and compiles every definition; nothing is saved yet.
    List<String> problems = new ArrayList<>();
    Map<String, Action> plan = new LinkedHashMap<>();
    for (SegmentFile.Entry entry : file.entries()) {
      SegmentAdminClient.Answer check = api.put(entry.id(), entry.definition(), true);
      if (!check.ok()) {
        check
            .problems()
            .forEach(
                p -> problems.add(file.path() + ":" + entry.line() + ": " + entry.id() + ": " + p));
        continue;
      }
      ObjectNode existing = current.get(entry.id());
      plan.put(
          entry.id(),
          existing == null
              ? Action.CREATE
              : existing.path("version").asLong() == check.body().path("version").asLong()
                  ? Action.UNCHANGED
                  : Action.UPDATE);
    }
    if (!problems.isEmpty()) {
      throw new InvalidSegmentFileException(problems);
    }
    Set<String> sites = new TreeSet<>();
    file.entries().forEach(e -> sites.add(e.siteId()));
    List<String> toDelete =
        prune
            ? current.values().stream()
                .filter(d -> sites.contains(d.path("siteId").asText()))
                .map(d -> d.path("segmentId").asText())
                .filter(id -> !plan.containsKey(id))
                .sorted()
                .toList()
            : List.of();

    if (dryRun) {
      plan.forEach((id, action) -> out.println(dryRunLine(action) + id));
      toDelete.forEach(id -> out.println("would delete    " + id));
      out.println(file.path() + " is valid; nothing was changed (--dry-run)");
      return 0;
    }

    // 2. Only what differs is written; the same file twice is no new version.
    int created = 0;
    int updated = 0;
    int unchanged = 0;
    int failed = 0;
    for (SegmentFile.Entry entry : file.entries()) {
      Action action = plan.get(entry.id());
      if (action == Action.UNCHANGED) {
        unchanged++;
        out.println(
            "unchanged "
                + entry.id()
                + " (version "
                + current.get(entry.id()).path("version")
                + ")");
        continue;
      }
      SegmentAdminClient.Answer saved = api.put(entry.id(), entry.definition(), false);
      if (!saved.ok()) {
        failed++;
        err.println("failed    " + entry.id() + ": " + String.join("; ", saved.problems()));
        continue;
      }
      if (action == Action.CREATE) {
        created++;
      } else {
        updated++;
      }
      out.println(
          (action == Action.CREATE ? "created   " : "updated   ")
              + entry.id()
              + " (version "
              + saved.body().path("version")
              + ")"
              + (saved.status() == 202 ? ", saved; the profiler has not loaded it yet" : ""));
    }
    int deleted = 0;
    for (String id : toDelete) {
      SegmentAdminClient.Answer answer = api.delete(id);
      if (answer.ok() || answer.status() == 404) {
        deleted++;
        out.println("deleted   " + id);
      } else {
        failed++;
        err.println("failed    deleting " + id + ": " + String.join("; ", answer.problems()));
      }
    }
    out.printf(
        "%s: %d created, %d updated, %d unchanged, %d deleted%s%n",
        file.path(),
        created,
        updated,
        unchanged,
        deleted,
        failed > 0 ? ", " + failed + " failed" : "");
    return failed > 0 ? 1 : 0;
  }

  private static String dryRunLine(Action action) {
    return switch (action) {
      case CREATE -> "would create    ";
      case UPDATE -> "would update    ";
      case UNCHANGED -> "unchanged       ";
    };
  }

  static int list(SegmentAdminClient api, Optional<String> site, PrintStream out) {
    List<ObjectNode> all = selected(api, site);
    out.printf(
        "%-28s %-10s %8s %8s %-8s %s%n", "ID", "SITE", "PRIORITY", "VERSION", "ENABLED", "LABEL");
    for (ObjectNode d : all) {
      out.printf(
          "%-28s %-10s %8d %8d %-8s %s%n",
          d.path("segmentId").asText(),
          d.path("siteId").asText(),
          d.path("priority").asInt(),
          d.path("version").asLong(),
          d.path("enabled").asBoolean(true),
          d.path("label").asText());
    }
    return 0;
  }

  static int export(SegmentAdminClient api, Optional<String> site, PrintStream out) {
    ObjectMapper yaml =
        new ObjectMapper(
            new YAMLFactory()
                .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));
    ObjectNode root = yaml.createObjectNode();
    var list = root.putArray("segments");
    for (ObjectNode d : selected(api, site)) {
      ObjectNode entry = list.addObject();
      entry.put("id", d.path("segmentId").asText());
      d.fields()
          .forEachRemaining(
              f -> {
                if (!Set.of("segmentId", "version", "updatedAt", "updatedBy").contains(f.getKey())
                    && !f.getValue().isNull()) {
                  entry.set(f.getKey(), f.getValue());
                }
              });
    }
    try {
      out.print(yaml.writeValueAsString(root));
    } catch (IOException e) {
      throw new SegmentAdminException("cannot write YAML: " + e.getMessage());
    }
    return 0;
  }

  private static List<ObjectNode> selected(SegmentAdminClient api, Optional<String> site) {
    return api.list().stream()
        .filter(d -> site.isEmpty() || site.get().equals(d.path("siteId").asText()))
        .sorted(Comparator.comparing(d -> d.path("segmentId").asText()))
        .toList();
  }
}
