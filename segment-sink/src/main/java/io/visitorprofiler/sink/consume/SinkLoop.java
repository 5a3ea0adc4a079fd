package io.visitorprofiler.sink.consume;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.visitorprofiler.runtime.health.HealthCheck;
import io.visitorprofiler.runtime.health.HealthStatus;
import io.visitorprofiler.schemas.ChatEvent;
import io.visitorprofiler.schemas.ClickstreamEvent;
import io.visitorprofiler.schemas.ErasureRequest;
import io.visitorprofiler.schemas.Invitation;
import io.visitorprofiler.schemas.SegmentChange;
import io.visitorprofiler.schemas.registry.SchemaRegistryException;
import io.visitorprofiler.schemas.topic.Topics;
import io.visitorprofiler.sink.db.Database;
import io.visitorprofiler.sink.write.HistoryWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sink's delivery loop: poll a batch, write all of it in one database transaction, commit the
 * offsets only after the database committed. A crash between the two replays the batch, which the
 * keyed inserts turn into no change. A record that cannot be read or written goes to the dead
 * letter with the reason and the loop goes on; a database that is down or slow holds the loop
 * (consumption paused, nothing dropped) until it answers.
 */
public final class SinkLoop implements Runnable, HealthCheck {
  private static final Logger log = LoggerFactory.getLogger(SinkLoop.class);

  /** Called after the database commit and before the offset commit (tests inject crashes here). */
  public interface AfterDatabaseCommit {
    void batchCommitted(int records);

    AfterDatabaseCommit NONE = records -> {};
  }

  private final Supplier<Consumer<String, byte[]>> consumers;
  private final Map<String, Deserializer<? extends SpecificRecord>> deserializers;
  private final Database database;
  private final HistoryWriter writer;
  private final DeadLetters deadLetters;
  private final Duration retryBackoff;
  private final AfterDatabaseCommit afterCommit;
  private final Timer batchLatency;
  private final Counter records;
  private volatile boolean running = true;
  private volatile Consumer<String, byte[]> consumer;
  private volatile HealthStatus status = HealthStatus.down("starting");

  public SinkLoop(
      Supplier<Consumer<String, byte[]>> consumers,
      Map<String, Deserializer<? extends SpecificRecord>> deserializers,
      Database database,
      HistoryWriter writer,
      DeadLetters deadLetters,
      Duration retryBackoff,
      AfterDatabaseCommit afterCommit,
      MeterRegistry metrics) {
    this.consumers = consumers;
    this.deserializers = deserializers;
    this.database = database;
    this.writer = writer;
    this.deadLetters = deadLetters;
    this.retryBackoff = retryBackoff;
    this.afterCommit = afterCommit;
    this.batchLatency =
        Timer.builder("vp.sink.batch.latency")
            .description("From a polled batch to its database commit")
            .publishPercentiles(0.5, 0.99)
            .register(metrics);
    this.records = Counter.builder("vp.sink.records").register(metrics);
  }

  /** The topics the sink reads. */
  public static List<String> topics() {
    return List.of(
        Topics.SEGMENT_CHANGES.name(),
        Topics.CHAT.name(),
        Topics.INVITATIONS.name(),
        Topics.CLICKSTREAM.name(),
        Topics.ERASURE_REQUESTS.name());
  }

  @Override
  public void run() {
    try (Consumer<String, byte[]> c = consumers.get()) {
      consumer = c;
      c.subscribe(topics());
      status = HealthStatus.up("consuming");
      while (running) {
        ConsumerRecords<String, byte[]> batch = c.poll(Duration.ofMillis(500));
        if (batch.isEmpty()) {
          continue;
        }
        long start = System.nanoTime();
        writeUntilDone(c, batch);
        batchLatency.record(Duration.ofNanos(System.nanoTime() - start));
        afterCommit.batchCommitted(batch.count());
        // A rebalance while an outage held the batch may have moved some of its partitions to
        // another loop: their offsets are that loop's to commit (it writes them again, keyed).
        c.commitSync(committableOffsets(batch, c.assignment()));
        records.increment(batch.count());
      }
    } catch (WakeupException e) {
      // stopping
    } catch (RuntimeException e) {
      status = HealthStatus.down("stopped: " + e.getClass().getSimpleName());
      throw e;
    }
    status = HealthStatus.down("stopped");
  }

  /** A record could not be read because the schema registry is down: wait, then read again. */
  private static final class RegistryUnavailable extends RuntimeException {
    RegistryUnavailable(Throwable cause) {
      super(cause);
    }
  }

  /** Writes the batch, waiting out a database or registry outage with consumption paused. */
  private void writeUntilDone(Consumer<String, byte[]> c, ConsumerRecords<String, byte[]> batch) {
    List<Decoded> decoded = null; // once read whole, kept: a retry writes, it does not read again
    while (true) {
      try {
        if (decoded == null) {
          decoded = decode(batch);
        }
        write(decoded);
        if (!c.paused().isEmpty()) {
          c.resume(c.paused());
        }
        status = HealthStatus.up("consuming");
        return;
      } catch (RegistryUnavailable e) {
        status = HealthStatus.down("schema registry unavailable");
        log.warn("schema registry unavailable; retrying the batch in {}", retryBackoff);
        waitPaused(c, retryBackoff);
      } catch (DeadLetters.Unavailable e) {
        // Read again (its dead letters with it) or written again, keyed: nothing is lost.
        status = HealthStatus.down("dead-letter topic unavailable");
        log.warn("{}; retrying the batch in {}", e.getMessage(), retryBackoff);
        waitPaused(c, retryBackoff);
      } catch (SQLException e) {
        if (!transientFailure(e)) {
          throw new IllegalStateException("the database refused a batch it should take", e);
        }
        status = HealthStatus.down("database unavailable: " + e.getSQLState());
        log.warn("database unavailable ({}); retrying in {}", e.getMessage(), retryBackoff);
        waitPaused(c, retryBackoff);
      }
    }
  }

  /**
   * The batch's records read; the unreadable ones are dead-lettered once the whole batch has been
   * read, so a registry outage met on the way (read again later) sends no dead letter twice.
   */
  private List<Decoded> decode(ConsumerRecords<String, byte[]> batch) {
    List<Decoded> decoded = new ArrayList<>(batch.count());
    List<Unreadable> unreadable = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> record : batch) {
      try {
        Deserializer<? extends SpecificRecord> deserializer = deserializers.get(record.topic());
        SpecificRecord value =
            record.value() == null
                ? null
                : deserializer.deserialize(record.topic(), record.value());
        if (value != null) {
          decoded.add(new Decoded(record, value));
        }
      } catch (RuntimeException e) {
        if (SchemaRegistryException.isOutage(e)) {
          throw new RegistryUnavailable(e); // the record is fine: read the batch again later
        }
        unreadable.add(new Unreadable(record, e));
      }
    }
    for (Unreadable bad : unreadable) {
      deadLetters.send(bad.record(), "unreadable: " + bad.failure().getMessage(), bad.failure());
    }
    return decoded;
  }

  private record Unreadable(ConsumerRecord<String, byte[]> record, RuntimeException failure) {}

  private void write(List<Decoded> decoded) throws SQLException {
    List<String> lockKeys = new ArrayList<>();
    for (Decoded d : decoded) {
      String key = HistoryWriter.visitorLockKey(d.value);
      if (key != null) {
        lockKeys.add(key);
      }
    }
    try (Connection connection = database.connection()) {
      connection.setAutoCommit(false);
      try {
        writer.lockVisitors(connection, lockKeys);
        // Segment changes, the bulk of the traffic, in set-based statements; erasures last so
        // they also remove what this batch wrote for the visitor.
        List<SegmentChange> changes = new ArrayList<>();
        List<SpecificRecord> erasures = new ArrayList<>();
        for (Decoded d : decoded) {
          switch (d.value) {
            case SegmentChange change -> changes.add(change);
            case ErasureRequest erasure -> erasures.add(erasure);
            default -> writeOne(connection, d.value);
          }
        }
        writer.changes(connection, changes);
        for (SpecificRecord erasure : erasures) {
          writeOne(connection, erasure);
        }
        connection.commit();
      } catch (SQLException e) {
        connection.rollback();
        if (transientFailure(e)) {
          throw e;
        }
        // One record is bad: write them one by one, dead-lettering those the database refuses.
        writeOneByOne(connection, decoded);
      }
    }
  }

  private void writeOneByOne(Connection connection, List<Decoded> decoded) throws SQLException {
    for (Decoded d : decoded) {
      try {
        String key = HistoryWriter.visitorLockKey(d.value);
        writer.lockVisitors(connection, key == null ? List.of() : List.of(key));
        writeOne(connection, d.value);
        connection.commit();
      } catch (SQLException e) {
        connection.rollback();
        if (transientFailure(e)) {
          throw e;
        }
        deadLetters.send(d.record, "not writable: " + withoutValues(e), e);
      }
    }
  }

  private void writeOne(Connection connection, SpecificRecord value) throws SQLException {
    switch (value) {
      case SegmentChange change -> writer.change(connection, change);
      case ChatEvent chat -> writer.chat(connection, chat);
      case Invitation invitation -> writer.invitation(connection, invitation);
      case ClickstreamEvent event -> writer.clickstream(connection, event);
      case ErasureRequest erasure -> {
        int deleted = writer.erase(connection, erasure);
        log.info(
            "erasure request {} carried out: {} rows deleted", erasure.getRequestId(), deleted);
      }
      default -> throw new IllegalArgumentException("unexpected record " + value.getClass());
    }
  }

  /**
   * What the database refused, by SQLSTATE and the names it gives (table, column, constraint),
   * never its message: PostgreSQL's detail quotes the refused values (a form's e-mail address).
   */
  static String withoutValues(SQLException e) {
    StringBuilder reason = new StringBuilder("SQLSTATE ").append(e.getSQLState());
    if (e instanceof PSQLException p && p.getServerErrorMessage() != null) {
      ServerErrorMessage server = p.getServerErrorMessage();
      append(reason, "table", server.getTable());
      append(reason, "column", server.getColumn());
      append(reason, "constraint", server.getConstraint());
    }
    return reason.toString();
  }

  private static void append(StringBuilder reason, String what, String name) {
    if (name != null) {
      reason.append(", ").append(what).append(' ').append(name);
    }
  }

  /** Connection trouble, resource shortage, serialization conflicts: worth retrying. */
  static boolean transientFailure(SQLException e) {
    String state = e.getSQLState();
    return e instanceof SQLTransientException
        || state == null
        || state.startsWith("08") // connection exception
        || state.startsWith("53") // insufficient resources
        || state.startsWith("57") // operator intervention (shutdown)
        || state.equals("40001") // serialization failure
        || state.equals("40P01"); // deadlock
  }

  /**
   * Waits out an outage with consumption paused, keeping the group membership. A rebalance inside
   * the poll assigns partitions unpaused, and the poll then returns their records: those are not
   * dropped but rewound (fetched again once the outage is over), and paused too.
   */
  static void waitPaused(Consumer<?, ?> c, Duration backoff) {
    c.pause(c.assignment());
    ConsumerRecords<?, ?> stray = c.poll(backoff);
    for (TopicPartition partition : stray.partitions()) {
      c.seek(partition, stray.records(partition).get(0).offset());
    }
    c.pause(c.assignment());
  }

  /** The next offsets of the batch's partitions that this loop still owns. */
  static Map<TopicPartition, OffsetAndMetadata> committableOffsets(
      ConsumerRecords<String, byte[]> batch, Set<TopicPartition> owned) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (TopicPartition partition : batch.partitions()) {
      if (!owned.contains(partition)) {
        continue;
      }
      List<ConsumerRecord<String, byte[]>> records = batch.records(partition);
      offsets.put(partition, new OffsetAndMetadata(records.get(records.size() - 1).offset() + 1));
    }
    return offsets;
  }

  private record Decoded(ConsumerRecord<String, byte[]> record, SpecificRecord value) {}

  @Override
  public HealthStatus check() {
    return status;
  }

  public void stop() {
    running = false;
    Consumer<String, byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
  }
}
