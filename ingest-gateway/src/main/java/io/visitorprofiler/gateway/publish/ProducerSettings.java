package io.visitorprofiler.gateway.publish;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's producer: batching-friendly defaults that any {@code VP_KAFKA_*} setting may
 * override, except the durability that the 202 answer promises (acks=all, idempotence), which is
 * always on.
 */
public final class ProducerSettings {
  private static final Logger log = LoggerFactory.getLogger(ProducerSettings.class);

  private ProducerSettings() {}

  public static Map<String, Object> of(Map<String, Object> kafka, Duration ackTimeout) {
    Map<String, Object> props = new HashMap<>();
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "vp-ingest-gateway");
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024);
    props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 64L * 1024 * 1024);
    // A full buffer or unknown metadata fails the send quickly; the client gets 503 and retries.
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 1000);
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
    props.putAll(kafka);
    if (!kafka.containsKey(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG)) {
      // Give up a little before the HTTP answer does, and never below what Kafka requires.
      long floor =
          Long.parseLong(props.get(ProducerConfig.LINGER_MS_CONFIG).toString())
              + Long.parseLong(props.get(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG).toString());
      long delivery = Math.max(floor, ackTimeout.toMillis() - 1000);
      props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) delivery);
    }
    Object acks = props.get(ProducerConfig.ACKS_CONFIG);
    if (acks != null && !"all".equals(acks.toString()) && !"-1".equals(acks.toString())) {
      log.warn(
          "acks={} ignored: the gateway answers 202 only for events written with acks=all", acks);
    }
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    return props;
  }
}
