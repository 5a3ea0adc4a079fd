package io.visitorprofiler.profiler.topology;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.visitorprofiler.profiler.rules.RuleCompileException;
import io.visitorprofiler.profiler.rules.SegmentRuleCompiler;
import io.visitorprofiler.profiler.segment.SegmentRuleBook;
import io.visitorprofiler.schemas.SegmentDefinition;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the global store of segment definitions and compiles each into the shared {@link
 * SegmentRuleBook}; a definition that does not compile (written around the admin API) is logged,
 * counted and left out, never a crash.
 */
final class DefinitionsLoader implements Processor<String, SegmentDefinition, Void, Void> {
  private static final Logger log = LoggerFactory.getLogger(DefinitionsLoader.class);

  private final SegmentRuleBook book;
  private final SegmentRuleCompiler compiler;
  private final Counter invalid;
  private KeyValueStore<String, SegmentDefinition> store;

  DefinitionsLoader(SegmentRuleBook book, SegmentRuleCompiler compiler, MeterRegistry metrics) {
    this.book = book;
    this.compiler = compiler;
    this.invalid = metrics.counter("profiler.definitions.invalid");
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    store = context.getStateStore(ProfilerTopology.DEFINITIONS_STORE);
    // After a restore the store is full but the rule book of this process is empty.
    try (KeyValueIterator<String, SegmentDefinition> all = store.all()) {
      all.forEachRemaining(kv -> load(kv.key, kv.value));
    }
  }

  @Override
  public void process(Record<String, SegmentDefinition> record) {
    if (record.key() == null) {
      return;
    }
    if (record.value() == null) {
      store.delete(record.key());
    } else {
      store.put(record.key(), record.value());
    }
    load(record.key(), record.value());
  }

  private void load(String segmentId, SegmentDefinition definition) {
    if (definition == null) {
      book.remove(segmentId);
      log.info("segment {} deleted", segmentId);
      return;
    }
    if (!segmentId.equals(definition.getSegmentId())) {
      // Written around the admin API: in force under one id, it could be read, replaced and
      // deleted under none.
      invalid.increment();
      book.remove(segmentId);
      log.warn(
          "the definition keyed {} is of segment {} and is ignored",
          segmentId,
          definition.getSegmentId());
      return;
    }
    if (book.snapshot().rule(segmentId).map(r -> r.definition().equals(definition)).orElse(false)) {
      return; // already compiled: init() and a restore that replays the topic both deliver it
    }
    try {
      book.put(compiler.compile(definition));
      log.info(
          "segment {} version {} loaded (site {})",
          segmentId,
          definition.getVersion(),
          definition.getSiteId());
    } catch (RuleCompileException e) {
      invalid.increment();
      book.remove(segmentId);
      log.warn(
          "segment {} version {} does not compile and is ignored: {}",
          segmentId,
          definition.getVersion(),
          e.problems());
    }
  }
}
