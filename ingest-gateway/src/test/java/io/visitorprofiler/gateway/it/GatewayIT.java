package io.visitorprofiler.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.visitorprofiler.gateway.GatewaySettings;
import io.visitorprofiler.gateway.Main;
import io.visitorprofiler.runtime.config.EnvConfig;
import io.visitorprofiler.runtime.http.ServiceHttpServer;
import io.visitorprofiler.schemas.ChatEvent;
import io.visitorprofiler.schemas.ClickstreamEvent;
import io.visitorprofiler.schemas.Invitation;
import io.visitorprofiler.schemas.PageView;
import io.visitorprofiler.schemas.ReferrerClass;
import io.visitorprofiler.schemas.registry.SchemaRegistryClient;
import io.visitorprofiler.schemas.registry.SchemaRegistryConfig;
import io.visitorprofiler.schemas.serde.AvroDeserializer;
import io.visitorprofiler.schemas.serde.WireFormat;
import io.visitorprofiler.schemas.topic.Topics;
import io.visitorprofiler.testkit.KafkaClusterExtension;
import io.visitorprofiler.testkit.SchemaRegistryExtension;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The gateway in this JVM against a real KRaft broker and the real Apicurio registry: what it
 * writes, what it refuses, and the invitation stream.
 */
class GatewayIT {
  @RegisterExtension static final KafkaClusterExtension kafka = new KafkaClusterExtension();
  @RegisterExtension static final SchemaRegistryExtension registry = new SchemaRegistryExtension();

  private static final String ORIGIN = "http://shop.test:8000";
  private static Main.Gateway gateway;
  private static GatewayClient client;

  static Map<String, String> env(String bootstrap, String registryUrl) {
    Map<String, String> env = new HashMap<>();
    env.put("VP_KAFKA_BOOTSTRAP_SERVERS", bootstrap);
    env.put("VP_SCHEMA_REGISTRY_URL", registryUrl);
    env.put("VP_HTTP_PORT", "0");
    env.put("VP_GATEWAY_SITES", "demo:demo-key:" + ORIGIN + ";other:other-key:https://other.test");
    env.put("VP_GATEWAY_MAX_BODY_KB", "64");
    env.put("VP_GATEWAY_MAX_BATCH_EVENTS", "50");
    env.put("VP_GATEWAY_GEO_COUNTRY_HEADER", "CF-IPCountry");
    env.put("VP_GATEWAY_GEO_CITY_HEADER", "CF-IPCity");
    return env;
  }

  @BeforeAll
  static void start() {
    kafka.createCatalogTopics();
    gateway =
        Main.Gateway.start(
            GatewaySettings.fromEnv(new EnvConfig(env(kafka.bootstrapServers(), registry.url()))),
            Clock.systemUTC());
    client = new GatewayClient(gateway.port());
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> client.send(get("/health/ready")).statusCode() == 200);
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  private static HttpRequest get(String path) {
    return HttpRequest.newBuilder(URI.create(client.base() + path)).GET().build();
  }

  private static String visitor() {
    return "v-" + UUID.randomUUID();
  }

  @Test
  void aBatchArrivesOnItsTopicsKeyedByVisitorInTheWireFormatAndEnriched() throws Exception {
    String visitor = visitor();
    long clientNow = Instant.now().minus(Duration.ofHours(1)).toEpochMilli(); // clock 1 h behind
    String body =
        """
        {"sentAt": %d, "events": [
          {"type": "page_view", "visitorId": "%s", "eventId": "e-1-%s", "timestamp": %d,
           "url": "https://shop.test/landing?utm_source=facebook&utm_medium=cpc&utm_campaign=winter",
           "referrer": "https://www.facebook.com/", "title": "Landing",
           "timezone": "America/New_York", "language": "en-US"},
          {"type": "cart_updated", "visitorId": "%s", "timestamp": %d,
           "items": [{"sku": "CUPS-6", "name": "Cups", "price": 24.0, "quantity": 1}],
           "value": 24.0, "currency": "USD"},
          {"type": "chat_message", "visitorId": "%s", "chatId": "c-9", "timestamp": %d,
           "text": "Do you ship to Miami?"}
        ]}
        """
            .formatted(
                clientNow,
                visitor,
                visitor,
                clientNow - 5000,
                visitor,
                clientNow - 1000,
                visitor,
                clientNow);
    HttpResponse<String> response =
        client.post(
            body,
            Map.of(
                "Authorization", "Bearer demo-key",
                "Content-Type", "application/json",
                "Origin", ORIGIN,
                "CF-IPCountry", "US",
                "CF-IPCity", "Miami",
                "User-Agent",
                    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"));
    assertThat(response.statusCode()).isEqualTo(202);
    assertThat(response.body()).isEqualTo("{\"accepted\":3}");
    assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).hasValue(ORIGIN);

    List<ConsumerRecord<String, byte[]>> clicks =
        TopicReader.readUntil(
            kafka.bootstrapServers(),
            Topics.CLICKSTREAM.name(),
            read -> read.stream().filter(r -> visitor.equals(r.key())).count() == 2,
            Duration.ofSeconds(30));
    List<ConsumerRecord<String, byte[]>> mine =
        clicks.stream().filter(r -> visitor.equals(r.key())).toList();
    assertThat(mine).hasSize(2);
    SchemaRegistryClient schemas =
        new SchemaRegistryClient(
            SchemaRegistryConfig.fromSerdeConfig(Map.of(SchemaRegistryConfig.URL, registry.url())));
    for (ConsumerRecord<String, byte[]> record : mine) {
      assertThat(record.value()[0]).isEqualTo((byte) 0);
      int id = WireFormat.schemaId(Topics.CLICKSTREAM.name(), record.value());
      assertThat(schemas.schemaById(id).getFullName())
          .isEqualTo(ClickstreamEvent.getClassSchema().getFullName());
    }
    AvroDeserializer<ClickstreamEvent> clickstream = new AvroDeserializer<>(ClickstreamEvent.class);
    clickstream.configure(Map.of(SchemaRegistryConfig.URL, registry.url()), false);
    ClickstreamEvent view = clickstream.deserialize(Topics.CLICKSTREAM.name(), mine.get(0).value());
    assertThat(view.getEventId()).isEqualTo("e-1-" + visitor);
    assertThat(view.getSiteId()).isEqualTo("demo");
    assertThat(view.getPayload()).isInstanceOf(PageView.class);
    // The client's clock was an hour behind: the event time is corrected to server time.
    long received = view.getContext().getReceivedAt().toEpochMilli();
    assertThat(view.getEventTime().toEpochMilli()).isBetween(received - 6000, received - 4000);
    assertThat(view.getContext().getClockSkewMillis()).isGreaterThan(3_500_000L);
    assertThat(view.getContext().getIpTruncated()).isEqualTo("127.0.0.0");
    assertThat(view.getContext().getGeo().getCountry()).isEqualTo("US");
    assertThat(view.getContext().getGeo().getCity()).isEqualTo("Miami");
    assertThat(view.getContext().getGeo().getTimezone()).isEqualTo("America/New_York");
    assertThat(view.getContext().getDevice().getType()).isEqualTo("desktop");
    assertThat(view.getContext().getDevice().getBrowser()).isEqualTo("Chrome");
    assertThat(view.getContext().getSource().getReferrerClass()).isEqualTo(ReferrerClass.CAMPAIGN);
    assertThat(view.getContext().getSource().getReferrerDomain()).isEqualTo("facebook.com");
    assertThat(view.getContext().getSource().getCampaign().getName()).isEqualTo("winter");

    List<ConsumerRecord<String, byte[]>> chats =
        TopicReader.readUntil(
            kafka.bootstrapServers(),
            Topics.CHAT.name(),
            read -> read.stream().anyMatch(r -> visitor.equals(r.key())),
            Duration.ofSeconds(30));
    AvroDeserializer<ChatEvent> chat = new AvroDeserializer<>(ChatEvent.class);
    chat.configure(Map.of(SchemaRegistryConfig.URL, registry.url()), false);
    ChatEvent message =
        chat.deserialize(
            Topics.CHAT.name(),
            chats.stream().filter(r -> visitor.equals(r.key())).findFirst().orElseThrow().value());
    assertThat(message.getChatId()).isEqualTo("c-9");
    // Same visitor, same partition on both co-partitioned topics.
    assertThat(
            chats.stream()
                .filter(r -> visitor.equals(r.key()))
                .findFirst()
                .orElseThrow()
                .partition())
        .isEqualTo(mine.get(0).partition());
  }

  @Test
  void aBatchWithABadEventIsRefusedWholeNamingEachProblemAndWritesNothing() {
    String visitor = visitor();
    String bad =
        """
        {"events": [
          {"type": "page_view", "visitorId": "%s", "url": "https://shop.test/a", "eventId": "bad-1"},
          {"type": "page_view", "visitorId": "%s", "url": "not a url", "timestamp": "yesterday"},
          {"type": "teleport", "visitorId": "%s"}
        ]}
        """
            .formatted(visitor, visitor, visitor);
    HttpResponse<String> refused = client.postWithKey(bad);
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.body())
        .contains("events[1].url", "events[1].timestamp", "events[2].type", "page_view, heartbeat");

    String good =
        """
        {"events": [{"type": "page_view", "visitorId": "%s", "url": "https://shop.test/b", "eventId": "good-1"}]}
        """
            .formatted(visitor);
    assertThat(client.postWithKey(good).statusCode()).isEqualTo(202);
    List<ConsumerRecord<String, byte[]>> read =
        TopicReader.readUntil(
            kafka.bootstrapServers(),
            Topics.CLICKSTREAM.name(),
            r -> r.stream().anyMatch(x -> visitor.equals(x.key())),
            Duration.ofSeconds(30));
    // Same key, same partition, in order: the refused batch would have come first.
    assertThat(read.stream().filter(r -> visitor.equals(r.key()))).hasSize(1);
  }

  @Test
  void keysOriginsAndPreflightAreChecked() {
    String body = "{\"events\": [{\"type\": \"heartbeat\", \"visitorId\": \"v-auth\"}]}";
    assertThat(client.post(body, Map.of()).statusCode()).isEqualTo(401);
    assertThat(client.post(body, Map.of("Authorization", "Bearer nope-nope")).statusCode())
        .isEqualTo(401);
    assertThat(
            client
                .post(
                    body, Map.of("Authorization", "Bearer demo-key", "Origin", "https://evil.test"))
                .statusCode())
        .isEqualTo(403);
    // A key of another site does not open this site's origin.
    HttpResponse<String> otherSite =
        client.post(body, Map.of("Authorization", "Bearer other-key", "Origin", ORIGIN));
    assertThat(otherSite.statusCode()).isEqualTo(403);
    // A page of an origin some site allows can read its refusal (tracker.js stops on 401/403; a
    // refusal the browser hides from it looks like a network failure, retried for ever).
    assertThat(otherSite.headers().firstValue("Access-Control-Allow-Origin")).hasValue(ORIGIN);
    HttpResponse<String> unknownKey =
        client.post(body, Map.of("Authorization", "Bearer nope-nope", "Origin", ORIGIN));
    assertThat(unknownKey.statusCode()).isEqualTo(401);
    assertThat(unknownKey.headers().firstValue("Access-Control-Allow-Origin")).hasValue(ORIGIN);
    HttpResponse<String> noKey = client.post(body, Map.of("Origin", ORIGIN));
    assertThat(noKey.statusCode()).isEqualTo(401);
    assertThat(noKey.headers().firstValue("Access-Control-Allow-Origin")).hasValue(ORIGIN);
    // An origin no site allows learns nothing.
    HttpResponse<String> evilUnknownKey =
        client.post(
            body, Map.of("Authorization", "Bearer nope-nope", "Origin", "https://evil.test"));
    assertThat(evilUnknownKey.statusCode()).isEqualTo(401);
    assertThat(evilUnknownKey.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();

    HttpResponse<String> preflight =
        client.send(
            HttpRequest.newBuilder(URI.create(client.base() + "/v1/events"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", ORIGIN)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization, content-type")
                .build());
    assertThat(preflight.statusCode()).isEqualTo(204);
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue(ORIGIN);
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers").orElseThrow())
        .contains("Authorization");
    HttpResponse<String> evilPreflight =
        client.send(
            HttpRequest.newBuilder(URI.create(client.base() + "/v1/events"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://evil.test")
                .header("Access-Control-Request-Method", "POST")
                .build());
    assertThat(evilPreflight.statusCode()).isEqualTo(403);
    assertThat(evilPreflight.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();

    // sendBeacon cannot set headers: the key may come in the query, the body as text/plain.
    HttpResponse<String> beacon =
        client.send(
            HttpRequest.newBuilder(URI.create(client.base() + "/v1/events?writeKey=demo-key"))
                .header("Content-Type", "text/plain;charset=UTF-8")
                .header("Origin", ORIGIN)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    assertThat(beacon.statusCode()).isEqualTo(202);
  }

  @Test
  void oversizedBodiesAndBatchesAre413() {
    String huge =
        "{\"events\": [{\"type\": \"heartbeat\", \"visitorId\": \"v-big\", \"title\": \""
            + "x".repeat(70 * 1024)
            + "\"}]}";
    // Repeatedly: the client is still sending when the answer comes; it must get to read it.
    for (int i = 0; i < 20; i++) {
      assertThat(client.postWithKey(huge).statusCode()).isEqualTo(413);
    }
    StringBuilder many = new StringBuilder("{\"events\": [");
    for (int i = 0; i < 51; i++) {
      many.append(i == 0 ? "" : ",").append("{\"type\": \"heartbeat\", \"visitorId\": \"v-many\"}");
    }
    HttpResponse<String> tooMany = client.postWithKey(many.append("]}").toString());
    assertThat(tooMany.statusCode()).isEqualTo(413);
    assertThat(tooMany.body()).contains("at most 50 events");
  }

  @Test
  void invitationsReachTheVisitorsOpenStreamAndOnesThatConnectShortlyAfter() throws Exception {
    String visitor = visitor();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader = streamLines(visitor, lines);
    assertThat(lines.poll(10, TimeUnit.SECONDS)).isEqualTo(": connected");

    Invitation invitation =
        new Invitation(
            "inv-" + UUID.randomUUID(),
            "demo",
            visitor,
            "small-carts",
            "B",
            "Hi! Add $26 more for free shipping.",
            Instant.now(),
            Instant.now().plus(Duration.ofMinutes(5)));
    InvitationTopic.send(kafka.clientProperties(), registry.url(), invitation);
    Map<String, String> event = nextEvent(lines);
    assertThat(event)
        .containsEntry("event", "invitation")
        .containsEntry("id", invitation.getInvitationId());
    assertThat(event.get("data")).contains("free shipping", "\"variantId\":\"B\"");
    // The gateway's time as it sent it, so the page counts the time left by the gateway's clock.
    long sentAt = ServiceHttpServer.JSON.readTree(event.get("data")).get("sentAt").asLong();
    assertThat(sentAt)
        .isBetween(invitation.getCreatedAt().toEpochMilli(), System.currentTimeMillis());
    reader.interrupt();

    // A page that connects a moment later (the next page of the visit) still gets it.
    BlockingQueue<String> later = new LinkedBlockingQueue<>();
    Thread second = streamLines(visitor, later);
    assertThat(later.poll(10, TimeUnit.SECONDS)).isEqualTo(": connected");
    assertThat(nextEvent(later)).containsEntry("id", invitation.getInvitationId());
    second.interrupt();

    // Another site's key cannot listen to this site's visitors.
    HttpResponse<String> foreign =
        client.send(get("/v1/visitors/" + visitor + "/invitations?siteId=demo&writeKey=other-key"));
    assertThat(foreign.statusCode()).isEqualTo(403);
  }

  /** The fields of the next server-sent event (comments skipped). */
  private static Map<String, String> nextEvent(BlockingQueue<String> lines)
      throws InterruptedException {
    Map<String, String> fields = new HashMap<>();
    while (true) {
      String line = lines.poll(20, TimeUnit.SECONDS);
      assertThat(line).as("a line from the invitation stream").isNotNull();
      if (line.isEmpty() && !fields.isEmpty()) {
        return fields;
      }
      int colon = line.indexOf(':');
      if (colon > 0) {
        fields.put(line.substring(0, colon), line.substring(colon + 1).trim());
      }
    }
  }

  private static Thread streamLines(String visitor, BlockingQueue<String> lines) {
    Thread thread =
        Thread.ofVirtual()
            .start(
                () -> {
                  HttpRequest request =
                      HttpRequest.newBuilder(
                              URI.create(
                                  client.base()
                                      + "/v1/visitors/"
                                      + visitor
                                      + "/invitations?siteId=demo&writeKey=demo-key"))
                          .header("Accept", "text/event-stream")
                          .build();
                  try {
                    HttpResponse<InputStream> response =
                        client.http().send(request, HttpResponse.BodyHandlers.ofInputStream());
                    try (BufferedReader in =
                        new BufferedReader(
                            new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                      String line;
                      while ((line = in.readLine()) != null) {
                        lines.add(line.trim());
                      }
                    }
                  } catch (Exception e) {
                    // interrupted or closed
                  }
                });
    return thread;
  }

  @Test
  void trackerIsServedGzippedWithAnEtag() throws Exception {
    HttpResponse<byte[]> response =
        client
            .http()
            .send(
                HttpRequest.newBuilder(URI.create(client.base() + "/tracker.js"))
                    .header("Accept-Encoding", "gzip")
                    .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Encoding")).hasValue("gzip");
    String script =
        new String(
            new GZIPInputStream(new java.io.ByteArrayInputStream(response.body())).readAllBytes(),
            StandardCharsets.UTF_8);
    assertThat(script).contains("/v1/events");
    String etag = response.headers().firstValue("ETag").orElseThrow();
    HttpResponse<String> again =
        client.send(
            HttpRequest.newBuilder(URI.create(client.base() + "/tracker.js"))
                .header("If-None-Match", etag)
                .build());
    assertThat(again.statusCode()).isEqualTo(304);
  }

  @Test
  void metricsCountAcceptedEventsAndRefusals() {
    client.postWithKey("{\"events\": [{\"type\": \"heartbeat\", \"visitorId\": \"v-metrics\"}]}");
    client.postWithKey("{\"events\": []}");
    String metrics = client.send(get("/metrics")).body();
    assertThat(metrics)
        .contains("vp_gateway_events_accepted_total{", "site=\"demo\"")
        .contains("vp_gateway_batches_total{", "outcome=\"invalid\"")
        .contains("vp_gateway_produce_latency_seconds")
        .contains("kafka_producer_");
  }
}
