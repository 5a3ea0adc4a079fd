package io.visitorprofiler.notifier.invite;

import io.visitorprofiler.schemas.ChatEnded;
import io.visitorprofiler.schemas.ChatEvent;
import io.visitorprofiler.schemas.ChatStarted;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The chats each agent has open, from the chat events: a {@code chat_started} with an agent opens
 * one, a {@code chat_ended} closes it.
 */
public final class ChatLoad {
  private final Map<String, String> agentOfChat = new ConcurrentHashMap<>();

  public void accept(ChatEvent event) {
    String chatId = event.getChatId();
    if (chatId == null) {
      return;
    }
    switch (event.getPayload()) {
      case ChatStarted started when started.getAgentId() != null ->
          agentOfChat.put(event.getSiteId() + '\u0000' + chatId, started.getAgentId());
      case ChatEnded ended -> agentOfChat.remove(event.getSiteId() + '\u0000' + chatId);
      default -> {}
    }
  }

  /** Open chats of the agents given. */
  public int openChats(Set<String> agentIds) {
    return (int) agentOfChat.values().stream().filter(agentIds::contains).count();
  }
}
