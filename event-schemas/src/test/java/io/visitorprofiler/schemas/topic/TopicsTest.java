package io.visitorprofiler.schemas.topic;

import static org.assertj.core.api.Assertions.assertThat;

import io.visitorprofiler.deploy.topics.TopicCatalog;
import io.visitorprofiler.deploy.topics.TopicSpec;
import org.junit.jupiter.api.Test;

class TopicsTest {
  @Test
  void theCodesTopicsAreExactlyTheDeclaredOnes() {
    TopicCatalog catalog = TopicCatalog.bundled(TopicCatalog.Overrides.NONE);
    assertThat(Topics.ALL.stream().map(Topic::name))
        .containsExactlyInAnyOrderElementsOf(
            catalog.topics().stream().map(TopicSpec::name).toList());
  }
}
