package io.visitorprofiler.gateway.ingest;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.visitorprofiler.runtime.http.ApiError;
import io.visitorprofiler.schemas.CartItem;
import io.visitorprofiler.schemas.CartUpdated;
import io.visitorprofiler.schemas.ChatEnded;
import io.visitorprofiler.schemas.ChatMessage;
import io.visitorprofiler.schemas.ChatRequested;
import io.visitorprofiler.schemas.ChatSender;
import io.visitorprofiler.schemas.ChatStarted;
import io.visitorprofiler.schemas.Consent;
import io.visitorprofiler.schemas.CustomVariables;
import io.visitorprofiler.schemas.Heartbeat;
import io.visitorprofiler.schemas.Identify;
import io.visitorprofiler.schemas.InvitationOutcome;
import io.visitorprofiler.schemas.InvitationResponse;
import io.visitorprofiler.schemas.OfflineMessage;
import io.visitorprofiler.schemas.PageView;
import io.visitorprofiler.schemas.PostchatSubmitted;
import io.visitorprofiler.schemas.PrechatSubmitted;
import io.visitorprofiler.schemas.Purchase;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.apache.avro.specific.SpecificRecord;

/**
 * Reads a posted JSON batch ({@code {"sentAt": ..., "events": [...]}}) into typed events, naming
 * every invalid field as {@code events[i].field}. Unknown fields are ignored (the API accepts more,
 * never less); values are bounded so one event cannot bloat a profile.
 */
public final class EventBatchReader {
  static final int MAX_TEXT = 512;
  static final int MAX_CHAT_TEXT = 8192;
  private static final int MAX_ITEMS = 100;
  private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");

  private final ObjectMapper json;
  private final int maxEvents;

  public EventBatchReader(ObjectMapper json, int maxEvents) {
    this.json = json;
    this.maxEvents = maxEvents;
  }

  /** Thrown when the batch holds more events than allowed (answered with 413). */
  public static final class TooManyEvents extends RuntimeException {
    public TooManyEvents(int count, int max) {
      super("a batch may hold at most " + max + " events, got " + count);
    }
  }

  /**
   * Reads the batch from its bytes with a streaming parser: each event's fields are read into a
   * small table as it comes, without a tree of the whole body.
   */
  public EventBatch read(byte[] body) {
    try (JsonParser parser = json.createParser(body)) {
      return read(parser);
    } catch (JsonProcessingException e) {
      String where = "body";
      if (e.getLocation() != null) {
        where = "body:" + e.getLocation().getLineNr() + ":" + e.getLocation().getColumnNr();
      }
      return new EventBatch(
          null,
          List.of(),
          List.of(new ApiError.Problem(where, "not valid JSON: " + e.getOriginalMessage())));
    } catch (IOException e) {
      return new EventBatch(
          null, List.of(), List.of(new ApiError.Problem("body", "unreadable: " + e.getMessage())));
    }
  }

  private EventBatch read(JsonParser parser) throws IOException {
    if (parser.nextToken() != JsonToken.START_OBJECT) {
      return new EventBatch(
          null, List.of(), List.of(new ApiError.Problem("body", "must be a JSON object")));
    }
    JsonNode sentAtNode = null;
    ReadEvents events = null; // null until a non-empty "events" array was read
    JsonToken token = parser.nextToken();
    while (token == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      JsonToken value = parser.nextToken();
      if (name.equals("sentAt")) {
        sentAtNode = StreamedFields.value(parser, value);
      } else if (name.equals("events")) {
        events = value == JsonToken.START_ARRAY ? readEvents(parser) : null;
        if (events == null) {
          parser.skipChildren();
        }
      } else {
        parser.skipChildren(); // unknown fields are ignored
      }
      token = parser.nextToken();
    }
    if (token != JsonToken.END_OBJECT) {
      throw new JsonParseException(parser, "unexpected end of input");
    }
    if (parser.nextToken() != null) {
      throw new JsonParseException(parser, "content after the batch's object");
    }
    List<ApiError.Problem> problems = new ArrayList<>();
    JsonNode sentAtValue = sentAtNode;
    Long sentAt =
        new FieldReader(field -> field.equals("sentAt") ? sentAtValue : null, "batch", problems)
            .timestamp("sentAt");
    if (events == null) {
      problems.add(new ApiError.Problem("events", "must be a non-empty array"));
      return new EventBatch(sentAt, List.of(), problems);
    }
    problems.addAll(events.problems());
    return new EventBatch(sentAt, events.events(), problems);
  }

  private record ReadEvents(List<IncomingEvent> events, List<ApiError.Problem> problems) {}

  /**
   * The events of the array the parser is on, or null when it is empty. Past the limit the rest is
   * only counted, for the answer.
   */
  private ReadEvents readEvents(JsonParser parser) throws IOException {
    List<IncomingEvent> read = new ArrayList<>();
    List<ApiError.Problem> problems = new ArrayList<>();
    int count = 0;
    for (JsonToken token = parser.nextToken();
        token != JsonToken.END_ARRAY;
        token = parser.nextToken()) {
      if (token == null) {
        throw new JsonParseException(parser, "unexpected end of input");
      }
      if (count >= maxEvents) {
        parser.skipChildren();
      } else if (token == JsonToken.START_OBJECT) {
        IncomingEvent event = readEvent(count, StreamedFields.read(parser), problems);
        if (event != null) {
          read.add(event);
        }
      } else {
        problems.add(new ApiError.Problem("events[" + count + "]", "must be a JSON object"));
        parser.skipChildren();
      }
      count++;
    }
    if (count > maxEvents) {
      throw new TooManyEvents(count, maxEvents);
    }
    return count == 0 ? null : new ReadEvents(read, problems);
  }

  private IncomingEvent readEvent(
      int index, FieldReader.Fields fields, List<ApiError.Problem> problems) {
    String where = "events[" + index + "]";
    int before = problems.size();
    FieldReader f = new FieldReader(fields, where, problems);
    String typeName = f.requiredText("type", 64);
    EventType type = null;
    if (typeName != null) {
      type = EventType.byName(typeName.toLowerCase(Locale.ROOT)).orElse(null);
      if (type == null) {
        f.problem("type", "unknown type '" + typeName + "'; one of " + EventType.names());
      }
    }
    String visitorId = f.identifier("visitorId", true, 128);
    String eventId = f.identifier("eventId", false, 64);
    Long clientTime = f.timestamp("timestamp");
    Boolean optOut = f.bool("optOut");
    String timezone = f.text("timezone", 64);
    if (timezone != null && !Tokens.isTimeZone(timezone)) {
      f.problem("timezone", "must be an IANA time zone such as America/New_York");
      timezone = null;
    }
    String language = f.text("language", 35);
    if (language != null && !Tokens.isLanguageTag(language)) {
      f.problem("language", "must be a BCP 47 language tag such as en-US");
      language = null;
    }
    String chatId = type != null && type.chat() ? f.identifier("chatId", false, 128) : null;
    SpecificRecord payload = type == null ? null : payload(type, f);
    String url =
        switch (payload) {
          case PageView view -> view.getUrl();
          case Heartbeat beat -> beat.getUrl();
          case ChatRequested request -> request.getUrl();
          case null, default -> f.url("url", false);
        };
    if (problems.size() > before || payload == null) {
      return null;
    }
    String referrer = payload instanceof PageView view ? view.getReferrer() : null;
    return new IncomingEvent(
        index,
        type,
        eventId != null ? eventId : EventIds.next(System.currentTimeMillis()),
        visitorId,
        clientTime,
        payload,
        chatId,
        url,
        referrer,
        timezone,
        language,
        Boolean.TRUE.equals(optOut));
  }

  private SpecificRecord payload(EventType type, FieldReader f) {
    return switch (type) {
      case PAGE_VIEW ->
          new PageView(
              f.url("url", true),
              f.text("title", MAX_TEXT),
              emptyToNull(f.text("referrer", 2048)),
              Boolean.TRUE.equals(f.bool("virtual")));
      case HEARTBEAT -> new Heartbeat(f.url("url", false));
      case CART_UPDATED -> {
        List<CartItem> items = items(f);
        Double value = f.amount("value", false);
        String currency = currency(f);
        yield items == null
            ? null
            : new CartUpdated(items, value != null ? value : total(items), currency);
      }
      case PURCHASE -> {
        List<CartItem> items = items(f);
        Double value = f.amount("value", false);
        String currency = currency(f);
        String orderId = f.identifier("orderId", false, 128);
        yield items == null
            ? null
            : new Purchase(orderId, items, value != null ? value : total(items), currency);
      }
      case IDENTIFY -> {
        String email = f.text("email", 254);
        if (email != null && !email.matches("[^@\\s]+@[^@\\s]+")) {
          f.problem("email", "must be an e-mail address");
        }
        yield new Identify(
            f.text("name", 128),
            email,
            f.text("customerId", 128),
            f.stringMap("traits", false, 50, MAX_TEXT));
      }
      case CUSTOM_VARIABLES -> new CustomVariables(f.stringMap("variables", true, 50, MAX_TEXT));
      case CONSENT -> {
        Boolean profiling = f.requiredBool("profiling");
        yield new Consent(profiling != null && profiling); // without it refused, the field named
      }
      case INVITATION_RESPONSE ->
          new InvitationResponse(
              f.identifier("invitationId", true, 128),
              enumValue(f, "response", InvitationOutcome.class, null));
      case CHAT_REQUESTED -> new ChatRequested(f.url("url", false), f.text("department", 128));
      case CHAT_STARTED -> new ChatStarted(f.text("agentId", 128));
      case CHAT_MESSAGE ->
          new ChatMessage(
              f.identifier("messageId", false, 128),
              enumValue(f, "sender", ChatSender.class, ChatSender.VISITOR),
              f.text("senderId", 128),
              f.requiredText("text", MAX_CHAT_TEXT));
      case CHAT_ENDED -> new ChatEnded(f.text("endedBy", 128));
      case PRECHAT_SUBMITTED -> new PrechatSubmitted(f.stringMap("fields", true, 50, MAX_TEXT));
      case POSTCHAT_SUBMITTED ->
          new PostchatSubmitted(
              f.stringMap("fields", true, 50, MAX_TEXT), f.integer("rating", 1, 5));
      case OFFLINE_MESSAGE ->
          new OfflineMessage(
              f.stringMap("fields", false, 50, MAX_TEXT), f.text("message", MAX_CHAT_TEXT));
    };
  }

  private static List<CartItem> items(FieldReader f) {
    JsonNode node = f.node("items");
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      f.problem("items", "must be an array");
      return null;
    }
    if (node.size() > MAX_ITEMS) {
      f.problem("items", "must have at most " + MAX_ITEMS + " items");
      return null;
    }
    List<CartItem> items = new ArrayList<>(node.size());
    boolean ok = true;
    for (int i = 0; i < node.size(); i++) {
      JsonNode itemNode = node.get(i);
      String where = f.where() + ".items[" + i + "]";
      if (!itemNode.isObject()) {
        f.problem("items[" + i + "]", "must be an object");
        ok = false;
        continue;
      }
      List<ApiError.Problem> itemProblems = new ArrayList<>();
      FieldReader item = new FieldReader(itemNode::get, where, itemProblems);
      String sku = item.requiredText("sku", 128);
      String name = item.text("name", MAX_TEXT);
      Double price = item.amount("price", true);
      Integer quantity = item.integer("quantity", 1, 100_000);
      if (!itemProblems.isEmpty()) {
        itemProblems.forEach(
            p -> f.problem(p.where().substring(f.where().length() + 1), p.message()));
        ok = false;
        continue;
      }
      items.add(new CartItem(sku, name, price, quantity == null ? 1 : quantity));
    }
    return ok ? items : null;
  }

  private static double total(List<CartItem> items) {
    return items.stream().mapToDouble(i -> i.getPrice() * i.getQuantity()).sum();
  }

  private static String currency(FieldReader f) {
    String text = f.text("currency", 3);
    String currency = text == null ? null : text.toUpperCase(Locale.ROOT);
    if (currency != null && !CURRENCY.matcher(currency).matches()) {
      f.problem("currency", "must be an ISO 4217 code such as USD");
      return null;
    }
    return currency;
  }

  private static <E extends Enum<E>> E enumValue(
      FieldReader f, String field, Class<E> type, E defaultValue) {
    String text = defaultValue == null ? f.requiredText(field, 32) : f.text(field, 32);
    if (text == null) {
      return defaultValue;
    }
    try {
      return Enum.valueOf(type, text.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      List<String> names =
          java.util.Arrays.stream(type.getEnumConstants()).map(Enum::name).toList();
      f.problem(field, "must be one of " + String.join(", ", names));
      return defaultValue;
    }
  }

  private static String emptyToNull(String text) {
    return text == null || text.isEmpty() ? null : text;
  }
}
