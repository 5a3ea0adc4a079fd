package io.visitorprofiler.notifier.agent;

import io.visitorprofiler.runtime.config.ConfigException;
import io.visitorprofiler.runtime.http.BearerTokens;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The agents, from {@code VP_NOTIFIER_AGENTS}: entries {@code agentId:token:department} separated
 * by {@code ;} (local default {@code agent-1:demo-agent:sales}).
 */
public final class AgentDirectory {
  public static final String LOCAL_DEFAULT = "agent-1:demo-agent:sales";

  private final Map<String, Agent> agents;

  public AgentDirectory(Collection<Agent> agents) {
    Map<String, Agent> byId = new LinkedHashMap<>();
    agents.forEach(a -> byId.put(a.agentId(), a));
    this.agents = Map.copyOf(byId);
  }

  public static AgentDirectory parse(String spec) {
    List<Agent> agents = new ArrayList<>();
    for (String entry : spec.split(";")) {
      if (entry.isBlank()) {
        continue;
      }
      String[] parts = entry.trim().split(":");
      if (parts.length != 3 || parts[0].isBlank() || parts[2].isBlank()) {
        throw new ConfigException("VP_NOTIFIER_AGENTS entries must be agentId:token:department");
      }
      if (parts[1].length() < 8) {
        throw new ConfigException(
            "the token of agent " + parts[0] + " must be at least 8 characters");
      }
      if (agents.stream().anyMatch(a -> a.agentId().equals(parts[0].trim()))) {
        throw new ConfigException("agent " + parts[0] + " is listed twice");
      }
      agents.add(new Agent(parts[0].trim(), parts[1].trim(), parts[2].trim()));
    }
    if (agents.isEmpty()) {
      throw new ConfigException("VP_NOTIFIER_AGENTS lists no agent");
    }
    return new AgentDirectory(agents);
  }

  public Optional<Agent> byId(String agentId) {
    return Optional.ofNullable(agents.get(agentId));
  }

  /** The agent, if {@code token} is its token (constant-time comparison). */
  public Optional<Agent> authenticate(String agentId, String token) {
    return byId(agentId).filter(a -> token != null && BearerTokens.matches(token, a.token()));
  }

  /** The agents named, plus every agent of the departments named. */
  public List<Agent> recipients(List<String> agentIds, List<String> departments) {
    List<Agent> found = new ArrayList<>();
    for (Agent agent : agents.values()) {
      if (agentIds.contains(agent.agentId()) || departments.contains(agent.department())) {
        found.add(agent);
      }
    }
    return found;
  }
}
