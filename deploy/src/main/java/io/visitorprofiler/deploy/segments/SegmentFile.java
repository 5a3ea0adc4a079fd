package io.visitorprofiler.deploy.segments;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A file of segment definitions kept in git: {@code segments:} followed by a list of definitions,
 * each the admin API's JSON plus its {@code id}. Reading checks the file's shape (ids present, well
 * formed and unique); the profiler checks each definition's fields and condition.
 */
public final class SegmentFile {
  /** The profiler's segment id rule. */
  static final Pattern SEGMENT_ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** One definition of the file, the line it starts on, and its body for the admin API. */
  public record Entry(String id, int line, ObjectNode definition) {
    public String siteId() {
      return definition.path("siteId").asText("");
    }
  }

  private final Path path;
  private final List<Entry> entries;

  private SegmentFile(Path path, List<Entry> entries) {
    this.path = path;
    this.entries = entries;
  }

  public Path path() {
    return path;
  }

  public List<Entry> entries() {
    return entries;
  }

  /**
   * Reads and checks a file.
   *
   * @throws InvalidSegmentFileException with every problem found, each with its line
   */
  public static SegmentFile read(Path path) {
    String text;
    try {
      text = Files.readString(path);
    } catch (NoSuchFileException e) {
      throw new InvalidSegmentFileException(path + ": no such file");
    } catch (IOException e) {
      throw new InvalidSegmentFileException(path + ": cannot be read: " + e.getMessage());
    }
    return parse(path, text);
  }

  static SegmentFile parse(Path path, String text) {
    List<String> problems = new ArrayList<>();
    List<Entry> entries = new ArrayList<>();
    try (JsonParser parser = YAML.createParser(text)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new InvalidSegmentFileException(path + ": expected a mapping with 'segments:'");
      }
      boolean found = false;
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        if (!"segments".equals(field)) {
          problems.add(at(path, parser) + ": unknown key '" + field + "' (expected 'segments')");
          parser.skipChildren();
          continue;
        }
        found = true;
        if (value != JsonToken.START_ARRAY) {
          problems.add(at(path, parser) + ": 'segments' must be a list of definitions");
          parser.skipChildren();
          continue;
        }
        int index = 0;
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          int line = parser.currentTokenLocation().getLineNr();
          String where = path + ":" + line + ": segments[" + index + "]";
          if (parser.currentToken() != JsonToken.START_OBJECT) {
            problems.add(where + " must be a mapping");
            parser.skipChildren();
          } else {
            ObjectNode node = YAML.readTree(parser);
            String id = node.path("id").asText("");
            node.remove("id");
            if (id.isEmpty()) {
              problems.add(where + ": 'id' is required");
            } else if (!SEGMENT_ID.matcher(id).matches()) {
              problems.add(
                  where
                      + ": id '"
                      + id
                      + "' must be 1-64 of a-z, 0-9, '.', '_', '-' starting with a letter or digit");
            } else {
              entries.add(new Entry(id, line, node));
            }
          }
          index++;
        }
      }
      if (!found) {
        problems.add(path + ": no 'segments:' list");
      }
    } catch (JsonProcessingException e) {
      throw new InvalidSegmentFileException(
          path
              + ":"
              + e.getLocation().getLineNr()
              + ":"
              + e.getLocation().getColumnNr()
              + ": not valid YAML: "
              + e.getOriginalMessage());
    } catch (IOException e) {
      throw new InvalidSegmentFileException(path + ": cannot be read: " + e.getMessage());
    }
    Map<String, Integer> firstLine = new HashMap<>();
    for (Entry entry : entries) {
      Integer earlier = firstLine.putIfAbsent(entry.id(), entry.line());
      if (earlier != null) {
        problems.add(
            path
                + ":"
                + entry.line()
                + ": id '"
                + entry.id()
                + "' is already defined on line "
                + earlier);
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidSegmentFileException(problems);
    }
    return new SegmentFile(path, List.copyOf(entries));
  }

  private static String at(Path path, JsonParser parser) {
    return path + ":" + parser.currentTokenLocation().getLineNr();
  }
}
