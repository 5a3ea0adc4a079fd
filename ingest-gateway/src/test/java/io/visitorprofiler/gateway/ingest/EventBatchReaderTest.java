package io.visitorprofiler.gateway.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.visitorprofiler.runtime.http.ApiError;
import io.visitorprofiler.runtime.http.ServiceHttpServer;
import io.visitorprofiler.schemas.CartItem;
import io.visitorprofiler.schemas.CartUpdated;
import io.visitorprofiler.schemas.ChatMessage;
import io.visitorprofiler.schemas.ChatSender;
import io.visitorprofiler.schemas.Consent;
import io.visitorprofiler.schemas.PageView;
import io.visitorprofiler.schemas.PostchatSubmitted;
import io.visitorprofiler.schemas.Purchase;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Reading posted JSON batches into typed events, and naming every invalid field. */
class EventBatchReaderTest {
  private static final String DESIGN_EXAMPLE =
      """
      {"events": [
        {"type": "page_view", "visitorId": "v-123", "timestamp": "2026-11-22T10:00:00Z",
         "url": "https://shop.example/checkout", "referrer": "https://www.google.com/search?q=yoga+pants",
         "title": "Checkout", "timezone": "America/New_York", "language": "en-US"},
        {"type": "cart_updated", "visitorId": "v-123", "timestamp": "2026-11-22T10:00:05Z",
         "items": [{"sku": "CUPS-6", "name": "Set of 6 Stainless Steel Cups", "price": 24.0, "quantity": 1}],
         "value": 24.0, "currency": "USD"},
        {"type": "postchat_submitted", "visitorId": "v-123", "timestamp": "2026-11-22T10:09:00Z",
         "chatId": "c-9", "fields": {"found_what_you_were_looking_for": "no"}, "rating": 2}
      ]}
      """;

  /** Each field name the reader knows of, with a value of a type that no field takes. */
  private static final String WRONG_TYPES =
      Stream.of(
              "eventId",
              "timestamp",
              "timezone",
              "language",
              "optOut",
              "url",
              "title",
              "referrer",
              "virtual",
              "items",
              "value",
              "currency",
              "orderId",
              "email",
              "name",
              "customerId",
              "traits",
              "variables",
              "profiling",
              "invitationId",
              "response",
              "department",
              "agentId",
              "messageId",
              "sender",
              "senderId",
              "text",
              "fields",
              "rating",
              "message",
              "endedBy")
          .distinct()
          .map(name -> ", \"" + name + "\": [{\"x\": [1]}]")
          .collect(Collectors.joining());

  private final EventBatchReader reader = new EventBatchReader(ServiceHttpServer.JSON, 10);

  @Test
  void theDesignExampleReadsIntoThreeTypedEvents() {
    EventBatch batch = read(DESIGN_EXAMPLE);

    assertThat(batch.problems()).isEmpty();
    assertThat(batch.valid()).isTrue();
    assertThat(batch.events())
        .extracting(IncomingEvent::type)
        .containsExactly(EventType.PAGE_VIEW, EventType.CART_UPDATED, EventType.POSTCHAT_SUBMITTED);
    assertThat(batch.events()).extracting(IncomingEvent::index).containsExactly(0, 1, 2);
    assertThat(batch.events()).extracting(IncomingEvent::visitorId).containsOnly("v-123");

    IncomingEvent view = batch.events().get(0);
    assertThat(view.clientTime()).isEqualTo(millis("2026-11-22T10:00:00Z"));
    assertThat(view.payload())
        .isEqualTo(
            new PageView(
                "https://shop.example/checkout",
                "Checkout",
                "https://www.google.com/search?q=yoga+pants",
                false));
    assertThat(view.url()).isEqualTo("https://shop.example/checkout");
    assertThat(view.referrer()).isEqualTo("https://www.google.com/search?q=yoga+pants");
    assertThat(view.timezone()).isEqualTo("America/New_York");
    assertThat(view.language()).isEqualTo("en-US");
    assertThat(view.chatId()).isNull();

    IncomingEvent cart = batch.events().get(1);
    assertThat(cart.clientTime()).isEqualTo(millis("2026-11-22T10:00:05Z"));
    CartUpdated cartUpdated = (CartUpdated) cart.payload();
    assertThat(cartUpdated.getItems())
        .containsExactly(new CartItem("CUPS-6", "Set of 6 Stainless Steel Cups", 24.0, 1));
    assertThat(cartUpdated.getValue()).isEqualTo(24.0);
    assertThat(cartUpdated.getCurrency()).isEqualTo("USD");

    IncomingEvent postchat = batch.events().get(2);
    assertThat(postchat.chatId()).isEqualTo("c-9");
    PostchatSubmitted survey = (PostchatSubmitted) postchat.payload();
    assertThat(survey.getFields()).isEqualTo(Map.of("found_what_you_were_looking_for", "no"));
    assertThat(survey.getRating()).isEqualTo(2);
  }

  @Test
  void aTimestampInEpochMillisecondsIsTakenAsIs() {
    EventBatch batch =
        read(
            """
            {"sentAt": 1795860001000, "events": [
              {"type": "heartbeat", "visitorId": "v-1", "timestamp": 1795860000000}]}
            """);

    assertThat(batch.problems()).isEmpty();
    assertThat(batch.sentAt()).isEqualTo(1795860001000L);
    assertThat(batch.events().get(0).clientTime()).isEqualTo(1795860000000L);
  }

  @Test
  void anEventWithoutTimestampHasNoClientTime() {
    EventBatch batch = read("{\"events\": [{\"type\": \"heartbeat\", \"visitorId\": \"v-1\"}]}");

    assertThat(batch.problems()).isEmpty();
    assertThat(batch.sentAt()).isNull();
    assertThat(batch.events().get(0).clientTime()).isNull();
  }

  @Test
  void aBadTimestampIsNamedByEventIndexAndField() {
    EventBatch batch =
        read(
            """
            {"events": [
              {"type": "heartbeat", "visitorId": "v-1"},
              {"type": "heartbeat", "visitorId": "v-1", "timestamp": "yesterday"}]}
            """);

    assertThat(batch.valid()).isFalse();
    assertThat(wheres(batch)).containsExactly("events[1].timestamp");
    assertThat(batch.problems().get(0).message()).contains("ISO-8601", "epoch milliseconds");
  }

  @Test
  void aMissingVisitorIdIsReported() {
    EventBatch batch = read("{\"events\": [{\"type\": \"heartbeat\"}]}");

    assertThat(batch.problems())
        .containsExactly(new ApiError.Problem("events[0].visitorId", "is required"));
    assertThat(batch.events()).isEmpty();
  }

  @Test
  void aVisitorIdWithForbiddenCharactersIsReported() {
    EventBatch batch =
        read("{\"events\": [{\"type\": \"heartbeat\", \"visitorId\": \"v 1<script>\"}]}");

    assertThat(wheres(batch)).containsExactly("events[0].visitorId");
  }

  @Test
  void anUnknownTypeListsTheAllowedTypes() {
    EventBatch batch = read("{\"events\": [{\"type\": \"page_load\", \"visitorId\": \"v-1\"}]}");

    assertThat(wheres(batch)).containsExactly("events[0].type");
    assertThat(batch.problems().get(0).message())
        .contains("page_load")
        .contains(EventType.names())
        .contains("page_view", "cart_updated", "offline_message");
  }

  @Test
  void aBadItemPriceIsNamedDownToTheItem() {
    EventBatch batch =
        read(
            """
            {"events": [
              {"type": "heartbeat", "visitorId": "v-1"},
              {"type": "heartbeat", "visitorId": "v-1"},
              {"type": "cart_updated", "visitorId": "v-1",
               "items": [{"sku": "CUPS-6", "price": "cheap"}, {"sku": "MUG-1", "price": 3.5}]}]}
            """);

    assertThat(batch.problems())
        .containsExactly(new ApiError.Problem("events[2].items[0].price", "must be a number"));
    assertThat(batch.events()).extracting(IncomingEvent::index).containsExactly(0, 1);
  }

  @Test
  void aNegativeItemPriceAndAMissingSkuAreBothReported() {
    EventBatch batch =
        read(
            """
            {"events": [{"type": "cart_updated", "visitorId": "v-1",
               "items": [{"sku": "CUPS-6", "price": -1}, {"price": 3.5}]}]}
            """);

    assertThat(wheres(batch))
        .containsExactlyInAnyOrder("events[0].items[0].price", "events[0].items[1].sku");
  }

  @Test
  void aCurrencyThatIsNotAnIsoCodeIsReported() {
    EventBatch batch =
        read(
            """
            {"events": [{"type": "cart_updated", "visitorId": "v-1",
               "items": [{"sku": "CUPS-6", "price": 24.0}], "currency": "dollars"}]}
            """);

    assertThat(wheres(batch)).containsExactly("events[0].currency");
  }

  @Test
  void aLowerCaseCurrencyIsUpperCased() {
    EventBatch batch =
        read(
            """
            {"events": [{"type": "purchase", "visitorId": "v-1",
               "items": [{"sku": "CUPS-6", "price": 24.0}], "currency": "usd"}]}
            """);

    assertThat(batch.problems()).isEmpty();
    assertThat(((Purchase) batch.events().get(0).payload()).getCurrency()).isEqualTo("USD");
  }

  @Test
  void aRatingOutOfRangeIsReported() {
    EventBatch batch =
        read(
            """
            {"events": [{"type": "postchat_submitted", "visitorId": "v-1", "chatId": "c-9",
               "fields": {"q": "a"}, "rating": 6}]}
            """);

    assertThat(batch.problems())
        .containsExactly(new ApiError.Problem("events[0].rating", "must be between 1 and 5"));
  }

  @Test
  void aChatMessageWithoutTextIsReported() {
    EventBatch batch =
        read(
            """
            {"events": [{"type": "chat_message", "visitorId": "v-1", "chatId": "c-9",
               "sender": "visitor"}]}
            """);

    assertThat(batch.problems())
        .containsExactly(new ApiError.Problem("events[0].text", "is required"));
  }

  @Test
  void aChatMessageWithBlankTextIsReported() {
    EventBatch batch =
        read(
            """
            {"events": [{"type": "chat_message", "visitorId": "v-1", "chatId": "c-9",
               "text": "   "}]}
            """);

    assertThat(wheres(batch)).containsExactly("events[0].text");
  }

  @Test
  void anInvitationResponseWithAnUnknownAnswerListsTheAllowedOnes() {
    EventBatch batch =
        read(
            """
            {"events": [{"type": "invitation_response", "visitorId": "v-1",
               "invitationId": "inv-1", "response": "maybe"}]}
            """);

    assertThat(wheres(batch)).containsExactly("events[0].response");
    assertThat(batch.problems().get(0).message()).contains("ACCEPTED", "DECLINED", "IGNORED");
  }

  @Test
  void anInvitationResponseWithoutAnswerIsReported() {
    EventBatch batch =
        read(
            """
            {"events": [{"type": "invitation_response", "visitorId": "v-1",
               "invitationId": "inv-1"}]}
            """);

    assertThat(batch.problems())
        .containsExactly(new ApiError.Problem("events[0].response", "is required"));
  }

  @Test
  void everyProblemOfAnEventIsReportedAtOnce() {
    EventBatch batch =
        read(
            """
            {"events": [{"type": "page_view", "timestamp": "soon", "url": "ftp://x",
               "language": "not a language", "optOut": "yes"}]}
            """);

    assertThat(wheres(batch))
        .containsExactlyInAnyOrder(
            "events[0].visitorId",
            "events[0].timestamp",
            "events[0].url",
            "events[0].language",
            "events[0].optOut");
  }

  @Test
  void aTimeBeforeTheEpochOrPastTheYear9999IsNamedNotAServerError() {
    // Dates that overflow epoch milliseconds answered 500; a clock reset to 1970 is taken (the
    // batch's sentAt from the same clock corrects it).
    EventBatch batch =
        read(
            """
            {"sentAt": "+300000000-01-01T00:00:00Z", "events": [
              {"type": "heartbeat", "visitorId": "v-1", "timestamp": "-300000000-01-01T00:00:00Z"},
              {"type": "heartbeat", "visitorId": "v-1", "timestamp": -9223372036854775808},
              {"type": "heartbeat", "visitorId": "v-1", "timestamp": "1969-12-31T23:59:59Z"},
              {"type": "heartbeat", "visitorId": "v-1", "timestamp": "+10000-01-01T00:00:00Z"},
              {"type": "heartbeat", "visitorId": "v-1", "timestamp": 1000},
              {"type": "heartbeat", "visitorId": "v-1", "timestamp": "9999-12-31T23:59:59Z"}]}
            """);

    assertThat(wheres(batch))
        .containsExactly(
            "batch.sentAt",
            "events[0].timestamp",
            "events[1].timestamp",
            "events[2].timestamp",
            "events[3].timestamp");
    assertThat(batch.problems().get(1).message()).contains("1970", "9999");
  }

  @Test
  void aNulCharacterInAnyTextIsRefusedTheDatabaseCouldNotStoreIt() {
    EventBatch batch =
        read(
            """
            {"events": [
              {"type": "chat_message", "visitorId": "v-1", "chatId": "c-1", "text": "hi\\u0000"},
              {"type": "offline_message", "visitorId": "v-1", "fields": {"email": "a@b.c\\u0000"},
               "message": "ok"},
              {"type": "custom_variables", "visitorId": "v-1", "variables": {"k\\u0000": "v"}},
              {"type": "page_view", "visitorId": "v-1", "url": "https://shop.example/\\u0000"},
              {"type": "chat_message", "visitorId": "v-1", "chatId": "c-1", "text": "tab\\tok"}]}
            """);

    assertThat(wheres(batch))
        .containsExactly(
            "events[0].text", "events[1].fields.email", "events[2].variables", "events[3].url");
    assertThat(batch.problems().get(0).message()).contains("NUL");
  }

  @Test
  void aUrlWithoutAHostIsReported() {
    EventBatch batch =
        read(
            """
            {"events": [
              {"type": "page_view", "visitorId": "v-1", "url": "http://"},
              {"type": "page_view", "visitorId": "v-1", "url": "https:///path"},
              {"type": "page_view", "visitorId": "v-1", "url": "https://shop.example"}]}
            """);

    assertThat(wheres(batch)).containsExactly("events[0].url", "events[1].url");
  }

  @Test
  void contentAfterTheBatchIsNotValidJson() {
    EventBatch batch =
        read(
            """
            {"events": [{"type": "heartbeat", "visitorId": "v-1"}]}
            {"events": [{"type": "heartbeat", "visitorId": "v-2"}]}
            """);

    assertThat(batch.valid()).isFalse();
    assertThat(batch.problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.where()).startsWith("body:2:");
              assertThat(p.message()).startsWith("not valid JSON");
            });
    assertThat(
            read("{\"events\": [{\"type\": \"heartbeat\", \"visitorId\": \"v-1\"}]}\n  ")
                .problems())
        .isEmpty();
  }

  @Test
  void aBodyThatIsNotJsonIsReportedWithLineAndColumn() {
    EventBatch batch = read("{\n  \"events\": [\n    {\"type\": }\n  ]\n}");

    assertThat(batch.valid()).isFalse();
    assertThat(batch.events()).isEmpty();
    assertThat(batch.problems()).hasSize(1);
    assertThat(batch.problems().get(0).where()).matches("body:3:\\d+");
    assertThat(batch.problems().get(0).message()).startsWith("not valid JSON");
  }

  @Test
  void aValueNestedDeeperThanTheParserAllowsIsBadJsonNotAStackOverflow() {
    // Nested values are built into trees recursively; the parser's depth limit (1,000) bounds that.
    String deep = "[".repeat(1_001) + "]".repeat(1_001);
    EventBatch batch =
        read(
            "{\"events\": [{\"type\": \"cart_updated\", \"visitorId\": \"v-1\", \"items\": "
                + deep
                + "}]}");

    assertThat(batch.valid()).isFalse();
    assertThat(batch.problems()).hasSize(1);
    assertThat(batch.problems().get(0).message()).startsWith("not valid JSON");
  }

  @Test
  void aJsonValueThatIsNotAnObjectIsReported() {
    EventBatch batch = read("[1, 2, 3]");

    assertThat(batch.problems())
        .containsExactly(new ApiError.Problem("body", "must be a JSON object"));
  }

  @Test
  void anEmptyEventListIsReported() {
    assertThat(wheres(read("{\"events\": []}"))).containsExactly("events");
    assertThat(wheres(read("{\"sentAt\": 1}"))).containsExactly("events");
    assertThat(wheres(read("{\"events\": {\"type\": \"heartbeat\"}}"))).containsExactly("events");
  }

  @Test
  void aBatchOverTheEventLimitIsTooLarge() {
    EventBatchReader small = new EventBatchReader(ServiceHttpServer.JSON, 2);
    String body =
        """
        {"events": [
          {"type": "heartbeat", "visitorId": "v-1"},
          {"type": "heartbeat", "visitorId": "v-1"},
          {"type": "heartbeat", "visitorId": "v-1"}]}
        """;

    assertThatThrownBy(() -> small.read(body.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(EventBatchReader.TooManyEvents.class)
        .hasMessageContaining("at most 2")
        .hasMessageContaining("got 3");
  }

  @Test
  void aBatchAtTheEventLimitIsRead() {
    EventBatchReader small = new EventBatchReader(ServiceHttpServer.JSON, 2);
    String body =
        """
        {"events": [
          {"type": "heartbeat", "visitorId": "v-1"},
          {"type": "heartbeat", "visitorId": "v-1"}]}
        """;

    assertThat(small.read(body.getBytes(StandardCharsets.UTF_8)).events()).hasSize(2);
  }

  @Test
  void unknownFieldsAreIgnored() {
    EventBatch batch =
        read(
            """
            {"client": "tracker.js/1.0", "events": [
              {"type": "heartbeat", "visitorId": "v-1", "colour": "blue",
               "nested": {"a": [1, 2]}, "screen": {"width": 1920}}]}
            """);

    assertThat(batch.problems()).isEmpty();
    assertThat(batch.events()).hasSize(1);
  }

  @Test
  void theTypeIsReadCaseInsensitively() {
    EventBatch batch = read("{\"events\": [{\"type\": \"HeartBeat\", \"visitorId\": \"v-1\"}]}");

    assertThat(batch.problems()).isEmpty();
    assertThat(batch.events().get(0).type()).isEqualTo(EventType.HEARTBEAT);
  }

  @Test
  void aGivenEventIdIsKept() {
    EventBatch batch =
        read(
            "{\"events\": [{\"type\": \"heartbeat\", \"visitorId\": \"v-1\", \"eventId\":"
                + " \"e-42\"}]}");

    assertThat(batch.events().get(0).eventId()).isEqualTo("e-42");
  }

  @Test
  void aMissingEventIdIsGeneratedAndUniquePerEvent() {
    EventBatch batch =
        read(
            """
            {"events": [
              {"type": "heartbeat", "visitorId": "v-1"},
              {"type": "heartbeat", "visitorId": "v-1"}]}
            """);

    String first = batch.events().get(0).eventId();
    String second = batch.events().get(1).eventId();
    assertThat(first).isNotBlank().isNotEqualTo(second);
    assertThat(UUID.fromString(first).toString()).isEqualTo(first);
  }

  @Test
  void chatEventsKeepTheirChatId() {
    EventBatch batch =
        read(
            """
            {"events": [{"type": "chat_message", "visitorId": "v-1", "chatId": "c-9",
               "messageId": "m-1", "sender": "agent", "senderId": "agent-1", "text": "Hello!"}]}
            """);

    assertThat(batch.problems()).isEmpty();
    IncomingEvent message = batch.events().get(0);
    assertThat(message.chatId()).isEqualTo("c-9");
    assertThat(message.payload())
        .isEqualTo(new ChatMessage("m-1", ChatSender.AGENT, "agent-1", "Hello!"));
  }

  @Test
  void aChatMessageWithoutSenderIsFromTheVisitor() {
    EventBatch batch =
        read(
            """
            {"events": [{"type": "chat_message", "visitorId": "v-1", "chatId": "c-9",
               "text": "Hi"}]}
            """);

    assertThat(((ChatMessage) batch.events().get(0).payload()).getSender())
        .isEqualTo(ChatSender.VISITOR);
  }

  @Test
  void aChatIdOnAClickstreamEventIsNotKept() {
    EventBatch batch =
        read(
            "{\"events\": [{\"type\": \"heartbeat\", \"visitorId\": \"v-1\", \"chatId\":"
                + " \"c-9\"}]}");

    assertThat(batch.problems()).isEmpty();
    assertThat(batch.events().get(0).chatId()).isNull();
  }

  @Test
  void theOptOutFlagIsRead() {
    EventBatch batch =
        read(
            """
            {"events": [
              {"type": "heartbeat", "visitorId": "v-1", "optOut": true},
              {"type": "heartbeat", "visitorId": "v-1", "optOut": false},
              {"type": "heartbeat", "visitorId": "v-1"}]}
            """);

    assertThat(batch.events())
        .extracting(IncomingEvent::optedOut)
        .containsExactly(true, false, false);
  }

  @Test
  void aCartValueIsComputedFromItsItemsWhenAbsent() {
    EventBatch batch =
        read(
            """
            {"events": [{"type": "cart_updated", "visitorId": "v-1",
               "items": [{"sku": "CUPS-6", "price": 10.0, "quantity": 2},
                         {"sku": "MUG-1", "price": 5.5}]}]}
            """);

    assertThat(batch.problems()).isEmpty();
    CartUpdated cart = (CartUpdated) batch.events().get(0).payload();
    assertThat(cart.getValue()).isEqualTo(25.5);
    assertThat(cart.getItems().get(1).getQuantity()).isEqualTo(1);
    assertThat(cart.getCurrency()).isNull();
  }

  @Test
  void aCartWithoutItemsIsAnEmptyCart() {
    EventBatch batch = read("{\"events\": [{\"type\": \"cart_updated\", \"visitorId\": \"v-1\"}]}");

    assertThat(batch.problems()).isEmpty();
    CartUpdated cart = (CartUpdated) batch.events().get(0).payload();
    assertThat(cart.getItems()).isEmpty();
    assertThat(cart.getValue()).isZero();
  }

  @Test
  void anEmptyReferrerIsNoReferrer() {
    EventBatch batch =
        read(
            """
            {"events": [{"type": "page_view", "visitorId": "v-1",
               "url": "https://shop.example/", "referrer": ""}]}
            """);

    assertThat(batch.problems()).isEmpty();
    assertThat(batch.events().get(0).referrer()).isNull();
    assertThat(((PageView) batch.events().get(0).payload()).getReferrer()).isNull();
  }

  @Test
  void aBodyCutOffInsideTheEventsIsNotValidJsonAndNothingOfItIsRead() {
    for (String cut :
        new String[] {
          "{\"events\": [{\"type\": \"heartbeat\", \"visitorId\": \"v-1\"}, {\"type\": ",
          "{\"events\": [{\"type\": \"heartbeat\", \"visitorId\": \"v-1\"}",
          "{\"events\": [{\"type\": \"heartbeat\", \"visitorId\": \"v-1\"}]",
          "{\"sentAt\": "
        }) {
      EventBatch batch = read(cut);

      assertThat(batch.events()).as(cut).isEmpty();
      assertThat(batch.problems()).as(cut).hasSize(1);
      assertThat(batch.problems().get(0).where()).as(cut).startsWith("body");
      assertThat(batch.problems().get(0).message()).as(cut).startsWith("not valid JSON");
    }
  }

  @Test
  void aRepeatedFieldKeepsItsLastValueAndManyUnknownFieldsAreIgnored() {
    StringBuilder body = new StringBuilder("{\"events\": [{\"visitorId\": \"v-first\"");
    for (int i = 0; i < 100; i++) {
      body.append(", \"extra").append(i).append("\": {\"nested\": [").append(i).append("]}");
    }
    body.append(", \"type\": \"heartbeat\", \"visitorId\": \"v-last\"}]}");

    EventBatch batch = read(body.toString());

    assertThat(batch.problems()).isEmpty();
    assertThat(batch.events()).extracting(IncomingEvent::visitorId).containsExactly("v-last");
  }

  @Test
  void aRepeatedEventListKeepsTheLastOne() {
    EventBatch batch =
        read(
            """
            {"events": [{"type": "heartbeat", "visitorId": "v-1"}],
             "sentAt": 1700000000000,
             "events": [{"type": "heartbeat", "visitorId": "v-2"}, {"type": "heartbeat", "visitorId": "v-3"}]}
            """);

    assertThat(batch.problems()).isEmpty();
    assertThat(batch.sentAt()).isEqualTo(1_700_000_000_000L);
    assertThat(batch.events()).extracting(IncomingEvent::visitorId).containsExactly("v-2", "v-3");
  }

  @Test
  void anEventThatIsNotAnObjectIsNamedAndTheOthersAreStillChecked() {
    EventBatch batch =
        read(
            """
            {"events": [[1], {"type": "heartbeat"}, "text", {"type": "heartbeat", "visitorId": "v-1"}]}
            """);

    assertThat(batch.problems())
        .containsExactly(
            new ApiError.Problem("events[0]", "must be a JSON object"),
            new ApiError.Problem("events[1].visitorId", "is required"),
            new ApiError.Problem("events[2]", "must be a JSON object"));
    assertThat(batch.events()).extracting(IncomingEvent::index).containsExactly(3);
  }

  @Test
  void aConsentWithoutAYesOrNoIsNamedNotAFailure() {
    EventBatch batch =
        read(
            """
            {"events": [
              {"type": "consent", "visitorId": "v-1"},
              {"type": "consent", "visitorId": "v-1", "profiling": "no"},
              {"type": "consent", "visitorId": "v-1", "profiling": null},
              {"type": "consent", "visitorId": "v-1", "profiling": false}
            ]}
            """);

    assertThat(batch.problems())
        .containsExactly(
            new ApiError.Problem("events[0].profiling", "is required"),
            new ApiError.Problem("events[1].profiling", "must be true or false"),
            new ApiError.Problem("events[2].profiling", "is required"));
    assertThat(batch.events()).extracting(IncomingEvent::index).containsExactly(3);
    assertThat(batch.events().get(0).payload()).isEqualTo(new Consent(false));
  }

  @Test
  void everyTypeWithItsFieldsMissingOrOfTheWrongTypeIsNamedNotAFailure() {
    for (EventType type : EventType.values()) {
      for (String fields : List.of("", WRONG_TYPES)) {
        String json =
            """
            {"events": [{"type": "%s", "visitorId": "v-1", "chatId": "c-1"%s}]}
            """
                .formatted(type.json(), fields);
        EventBatch batch = read(json);
        // Read or refused with its fields named, never both and never an exception.
        assertThat(batch.events().isEmpty())
            .as("%s %s", type, fields.isEmpty() ? "with no fields" : "with fields of wrong types")
            .isNotEqualTo(batch.problems().isEmpty());
      }
    }
  }

  private EventBatch read(String json) {
    return reader.read(json.getBytes(StandardCharsets.UTF_8));
  }

  private static java.util.List<String> wheres(EventBatch batch) {
    return batch.problems().stream().map(ApiError.Problem::where).toList();
  }

  private static long millis(String iso) {
    return Instant.parse(iso).toEpochMilli();
  }
}
