package io.visitorprofiler.gateway.ingest;

import io.visitorprofiler.runtime.http.ApiError;
import java.util.List;

/**
 * A posted batch after reading: the valid events, and a problem per invalid field. A batch with any
 * problem is refused as a whole, so that a client never has to guess which events were kept.
 *
 * @param sentAt the client's clock when it sent the batch (epoch ms), or null
 */
public record EventBatch(Long sentAt, List<IncomingEvent> events, List<ApiError.Problem> problems) {
  public EventBatch {
    events = List.copyOf(events);
    problems = List.copyOf(problems);
  }

  public boolean valid() {
    return problems.isEmpty();
  }
}
