package io.visitorprofiler.gateway.ingest;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The fields of one JSON object read from a streaming parser into two small arrays, as the nodes
 * Jackson's tree would hold (an event has about a dozen fields; a linear search beats a hash map at
 * that size, and an object with many more fields gets a hash index). Nested objects and arrays
 * become trees, as Jackson's would be. A repeated name keeps its last value, as in Jackson's tree.
 */
final class StreamedFields implements FieldReader.Fields {
  private static final int INDEXED_FROM = 32;

  private String[] names = new String[16];
  private JsonNode[] values = new JsonNode[16];
  private int size;
  private Map<String, Integer> index; // from INDEXED_FROM fields on

  private StreamedFields() {}

  /** Reads the object whose {@link JsonToken#START_OBJECT} the parser is on, to its end. */
  static StreamedFields read(JsonParser parser) throws IOException {
    StreamedFields fields = new StreamedFields();
    readFields(parser, fields::put);
    return fields;
  }

  /** Hands each field of the object the parser is on to {@code sink}, up to the object's end. */
  private static void readFields(JsonParser parser, BiConsumer<String, JsonNode> sink)
      throws IOException {
    JsonToken token = parser.nextToken();
    while (token == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      sink.accept(name, value(parser, parser.nextToken()));
      token = parser.nextToken();
    }
    if (token != JsonToken.END_OBJECT) {
      throw new JsonParseException(parser, "unexpected end of input");
    }
  }

  /** The value at the parser's current token, as the node Jackson's tree reader makes of it. */
  static JsonNode value(JsonParser parser, JsonToken token) throws IOException {
    if (token == null) {
      throw new JsonParseException(parser, "unexpected end of input");
    }
    return switch (token) {
      case VALUE_STRING -> TextNode.valueOf(parser.getText());
      case VALUE_NUMBER_INT ->
          switch (parser.getNumberType()) {
            case INT -> IntNode.valueOf(parser.getIntValue());
            case LONG -> LongNode.valueOf(parser.getLongValue());
            default -> BigIntegerNode.valueOf(parser.getBigIntegerValue());
          };
      case VALUE_NUMBER_FLOAT -> DoubleNode.valueOf(parser.getDoubleValue());
      case VALUE_TRUE -> BooleanNode.TRUE;
      case VALUE_FALSE -> BooleanNode.FALSE;
      case VALUE_NULL -> NullNode.instance;
      case START_OBJECT -> object(parser);
      case START_ARRAY -> array(parser);
      default -> throw new JsonParseException(parser, "unexpected " + token);
    };
  }

  /**
   * The object whose start the parser is on, as a tree. Built here rather than by {@code
   * readValueAsTree}, which sets up a deserialization context for every call (3 % of the gateway's
   * samples under load, for the items of cart updates). The parser bounds the nesting depth.
   */
  private static ObjectNode object(JsonParser parser) throws IOException {
    ObjectNode object = JsonNodeFactory.instance.objectNode();
    readFields(parser, object::set);
    return object;
  }

  private static ArrayNode array(JsonParser parser) throws IOException {
    ArrayNode array = JsonNodeFactory.instance.arrayNode();
    for (JsonToken token = parser.nextToken();
        token != JsonToken.END_ARRAY;
        token = parser.nextToken()) {
      array.add(value(parser, token));
    }
    return array;
  }

  @Override
  public JsonNode get(String field) {
    if (index != null) {
      Integer at = index.get(field);
      return at == null ? null : values[at];
    }
    int at = linearIndexOf(field);
    return at < 0 ? null : values[at];
  }

  private void put(String name, JsonNode value) {
    if (index != null) {
      Integer at = index.get(name);
      if (at != null) {
        values[at] = value;
        return;
      }
    } else {
      int at = linearIndexOf(name);
      if (at >= 0) {
        values[at] = value;
        return;
      }
    }
    if (size == names.length) {
      names = Arrays.copyOf(names, size * 2);
      values = Arrays.copyOf(values, size * 2);
    }
    names[size] = name;
    values[size] = value;
    if (index != null) {
      index.put(name, size);
    } else if (size + 1 == INDEXED_FROM) {
      index = new HashMap<>();
      for (int i = 0; i <= size; i++) {
        index.put(names[i], i);
      }
    }
    size++;
  }

  /** Names are compared by their (cached) hash first: most comparisons are with other names. */
  private int linearIndexOf(String name) {
    int hash = name.hashCode();
    for (int i = 0; i < size; i++) {
      String candidate = names[i];
      if (candidate == name || (candidate.hashCode() == hash && candidate.equals(name))) {
        return i;
      }
    }
    return -1;
  }
}
