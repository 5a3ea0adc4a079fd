package io.visitorprofiler.notifier.alert;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Per agent: a numbered stream of alerts, the last ones kept for a bounded window (count and age)
 * so an agent who reconnects with {@code Last-Event-ID} gets what was missed, and the connected
 * consoles that receive new alerts as they come.
 */
public final class AlertHub {
  private final int keep;
  private final Duration window;
  private final Clock clock;
  private final Map<String, AgentStream> streams = new ConcurrentHashMap<>();

  public AlertHub(int keep, Duration window, Clock clock) {
    this.keep = keep;
    this.window = window;
    this.clock = clock;
  }

  private final class AgentStream {
    private long next = 1;
    private final Deque<Timed> recent = new ArrayDeque<>();
    private final Set<Consumer<Alert>> listeners = ConcurrentHashMap.newKeySet();

    synchronized Alert add(Alert alert) {
      Alert numbered = alert.withId(next++);
      recent.addLast(new Timed(numbered, clock.millis()));
      trim();
      return numbered;
    }

    synchronized List<Alert> after(long lastSeen) {
      trim();
      List<Alert> missed = new ArrayList<>();
      for (Timed t : recent) {
        if (t.alert.id() > lastSeen) {
          missed.add(t.alert);
        }
      }
      return missed;
    }

    private void trim() {
      long oldest = clock.millis() - window.toMillis();
      while (!recent.isEmpty() && (recent.size() > keep || recent.peekFirst().at < oldest)) {
        recent.removeFirst();
      }
    }
  }

  private record Timed(Alert alert, long at) {}

  private AgentStream stream(String agentId) {
    return streams.computeIfAbsent(agentId, k -> new AgentStream());
  }

  /**
   * Numbers the alert in the agent's stream, keeps it, and pushes it to connected consoles, all
   * under the stream's lock that {@link #connect} takes too: a console connecting meanwhile gets
   * the alert once, by its replay or live (listeners only queue the alert for their console).
   */
  public Alert publish(String agentId, Alert alert) {
    AgentStream stream = stream(agentId);
    synchronized (stream) {
      Alert numbered = stream.add(alert);
      for (Consumer<Alert> listener : stream.listeners) {
        listener.accept(numbered);
      }
      return numbered;
    }
  }

  /**
   * Connects a console; it first gets the kept alerts after {@code lastSeen} (0 for none: a fresh
   * console gets nothing old).
   */
  public void connect(String agentId, long lastSeen, Consumer<Alert> listener) {
    AgentStream stream = stream(agentId);
    synchronized (stream) {
      if (lastSeen > 0) {
        stream.after(lastSeen).forEach(listener);
      }
      stream.listeners.add(listener);
    }
  }

  public void disconnect(String agentId, Consumer<Alert> listener) {
    stream(agentId).listeners.remove(listener);
  }

  /** Agents with at least one console connected now. */
  public Set<String> onlineAgents() {
    Set<String> online = new java.util.HashSet<>();
    streams.forEach(
        (agent, stream) -> {
          if (!stream.listeners.isEmpty()) {
            online.add(agent);
          }
        });
    return online;
  }

  /** Consoles connected now, over all agents. */
  public int connected() {
    return streams.values().stream().mapToInt(s -> s.listeners.size()).sum();
  }
}
