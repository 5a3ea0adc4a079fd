package io.visitorprofiler.notifier.agent;

/** An agent who may receive alerts: id, login token, department. */
public record Agent(String agentId, String token, String department) {
  @Override
  public String toString() {
    return "Agent[" + agentId + ", " + department + "]"; // never the token
  }
}
