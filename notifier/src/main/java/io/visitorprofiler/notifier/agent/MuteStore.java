package io.visitorprofiler.notifier.agent;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;

/**
 * Each agent's choice to mute a segment's pop-up and/or sound, kept in a JSON file that is replaced
 * atomically on every change, so it survives restarts.
 */
public final class MuteStore {
  /** What an agent muted for one segment. */
  public record Mute(boolean popupMuted, boolean soundMuted) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private final Map<String, Map<String, Mute>> mutes;

  public MuteStore(Path file) {
    this.file = file;
    this.mutes = load(file);
  }

  private static Map<String, Map<String, Mute>> load(Path file) {
    if (!Files.exists(file)) {
      return new HashMap<>();
    }
    try {
      return JSON.readValue(
          file.toFile(), new TypeReference<HashMap<String, Map<String, Mute>>>() {});
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the agents' mutes from " + file, e);
    }
  }

  public synchronized Mute get(String agentId, String segmentId) {
    return mutes.getOrDefault(agentId, Map.of()).getOrDefault(segmentId, new Mute(false, false));
  }

  public synchronized Map<String, Mute> all(String agentId) {
    return Map.copyOf(mutes.getOrDefault(agentId, Map.of()));
  }

  public synchronized void set(String agentId, String segmentId, Mute mute) {
    Map<String, Mute> agent = new HashMap<>(mutes.getOrDefault(agentId, Map.of()));
    if (!mute.popupMuted() && !mute.soundMuted()) {
      agent.remove(segmentId);
    } else {
      agent.put(segmentId, mute);
    }
    mutes.put(agentId, agent);
    save();
  }

  private void save() {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Path temp = file.resolveSibling(file.getFileName() + ".tmp");
      JSON.writeValue(temp.toFile(), mutes);
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save the agents' mutes to " + file, e);
    }
  }
}
