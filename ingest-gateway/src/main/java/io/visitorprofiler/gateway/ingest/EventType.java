package io.visitorprofiler.gateway.ingest;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The event types of the ingest API, by their JSON name, and the topic family each goes to. */
public enum EventType {
  PAGE_VIEW("page_view", false),
  HEARTBEAT("heartbeat", false),
  CART_UPDATED("cart_updated", false),
  PURCHASE("purchase", false),
  IDENTIFY("identify", false),
  CUSTOM_VARIABLES("custom_variables", false),
  CONSENT("consent", false),
  INVITATION_RESPONSE("invitation_response", false),
  CHAT_REQUESTED("chat_requested", true),
  CHAT_STARTED("chat_started", true),
  CHAT_MESSAGE("chat_message", true),
  CHAT_ENDED("chat_ended", true),
  PRECHAT_SUBMITTED("prechat_submitted", true),
  POSTCHAT_SUBMITTED("postchat_submitted", true),
  OFFLINE_MESSAGE("offline_message", true);

  private static final Map<String, EventType> BY_NAME =
      Arrays.stream(values()).collect(Collectors.toMap(t -> t.json, Function.identity()));

  private final String json;
  private final boolean chat;

  EventType(String json, boolean chat) {
    this.json = json;
    this.chat = chat;
  }

  public static Optional<EventType> byName(String name) {
    return Optional.ofNullable(BY_NAME.get(name));
  }

  /** The name in the ingest JSON. */
  public String json() {
    return json;
  }

  /** Whether it goes to {@code vp.chat.v1} (else {@code vp.clickstream.v1}). */
  public boolean chat() {
    return chat;
  }

  public static String names() {
    return Arrays.stream(values()).map(EventType::json).collect(Collectors.joining(", "));
  }
}
