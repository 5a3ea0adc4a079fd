package io.visitorprofiler.gateway.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import io.visitorprofiler.runtime.http.ServiceHttpServer;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The streamed fields of an object hold what Jackson's tree of the same object holds. */
class StreamedFieldsTest {

  @Test
  void everyKindOfValueIsTheNodeJacksonsTreeHolds() throws IOException {
    String object =
        """
        {"text": "a \\"quoted\\" text", "empty": "", "int": 42, "negative": -7,
         "long": 1700000000000, "big": 123456789012345678901234567890, "double": 24.5,
         "exponent": 1e3, "yes": true, "no": false, "nothing": null,
         "object": {"a": [1, {"b": null}]}, "array": [1, "two", 3.0], "unicode": "Zürich ☕"}
        """;
    JsonNode tree = ServiceHttpServer.JSON.readTree(object);

    StreamedFields fields = streamed(object);

    for (Map.Entry<String, JsonNode> field : tree.properties()) {
      JsonNode streamed = fields.get(field.getKey());
      assertThat(streamed).as(field.getKey()).isEqualTo(field.getValue());
      assertThat(streamed.getClass()).as(field.getKey()).isEqualTo(field.getValue().getClass());
    }
    assertThat(fields.get("absent")).isNull();
  }

  @Test
  void aRepeatedNameKeepsItsLastValueWithFewAndWithManyFields() throws IOException {
    for (int count : new int[] {3, 31, 32, 33, 200}) {
      StringBuilder object = new StringBuilder("{\"id\": 1");
      for (int i = 0; i < count; i++) {
        object.append(", \"f").append(i).append("\": ").append(i);
      }
      object.append(", \"id\": 2, \"f0\": \"last\"}");

      StreamedFields fields = streamed(object.toString());

      assertThat(fields.get("id").intValue()).as("%d fields", count).isEqualTo(2);
      assertThat(fields.get("f0").textValue()).as("%d fields", count).isEqualTo("last");
      assertThat(fields.get("f" + (count - 1)).intValue()).isEqualTo(count - 1);
      assertThat(fields.get("f" + count)).isNull();
    }
  }

  @Test
  void nestedObjectsAndArraysAreTheTreesJacksonReads() throws IOException {
    String object =
        """
        {"items": [{"sku": "A", "qty": 2, "tags": []}, {"sku": "B", "sku": "C"}, [], [[null]]],
         "empty": {}, "deep": {"a": {"b": {"c": [1.5, -2, "x", false]}}}}
        """;
    JsonNode tree = ServiceHttpServer.JSON.readTree(object);

    StreamedFields fields = streamed(object);

    for (Map.Entry<String, JsonNode> field : tree.properties()) {
      assertThat(fields.get(field.getKey())).as(field.getKey()).isEqualTo(field.getValue());
    }
    assertThat(fields.get("items").get(1).get("sku").textValue()).isEqualTo("C");
  }

  private static StreamedFields streamed(String object) throws IOException {
    try (JsonParser parser = ServiceHttpServer.JSON.createParser(object)) {
      parser.nextToken();
      return StreamedFields.read(parser);
    }
  }
}
