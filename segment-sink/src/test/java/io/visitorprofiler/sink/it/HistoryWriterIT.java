package io.visitorprofiler.sink.it;

import static io.visitorprofiler.sink.it.SinkFixture.change;
import static org.assertj.core.api.Assertions.assertThat;

import io.visitorprofiler.schemas.SegmentChange;
import io.visitorprofiler.schemas.Transition;
import io.visitorprofiler.sink.db.Database;
import io.visitorprofiler.sink.write.HistoryWriter;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TimeZone;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HistoryWriter on a real PostgreSQL: batches seen for the first time go in with plain inserts, a
 * batch that repeats rows already written falls back to keyed inserts, and either way the history,
 * the current members and the minute counts come out the same.
 */
class HistoryWriterIT {
  @TempDir static Path dir;

  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
  private static EmbeddedPostgres postgres;
  private static DataSource db;
  private final List<Integer> historyRowsCounted = new ArrayList<>();
  private final HistoryWriter writer =
      new HistoryWriter(
          (table, rows) -> {
            if (table.equals("membership_history")) {
              historyRowsCounted.add(rows);
            }
          });

  @BeforeAll
  static void start() throws Exception {
    postgres =
        Database.configureEmbedded(EmbeddedPostgres.builder())
            .setDataDirectory(dir.resolve("pg"))
            .start();
    db = postgres.getPostgresDatabase();
    Flyway.configure().dataSource(db).locations("classpath:db/migration").load().migrate();
  }

  @AfterAll
  static void stop() throws Exception {
    postgres.close();
  }

  private void write(SegmentChange... changes) throws Exception {
    try (Connection c = db.getConnection()) {
      c.setAutoCommit(false);
      writer.changes(c, List.of(changes));
      c.commit();
    }
  }

  private static String query(String sql) throws Exception {
    try (Connection c = db.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static String members(String site) throws Exception {
    return query(
        "SELECT string_agg(segment_id || '/' || visitor_id || '@' || to_char(entered_at AT TIME"
            + " ZONE 'UTC', 'HH24:MI:SS'), ' ' ORDER BY segment_id, visitor_id) FROM"
            + " membership_current WHERE site_id = '"
            + site
            + "'");
  }

  private static String minuteCounts(String site) throws Exception {
    return query(
        "SELECT string_agg(segment_id || '@' || to_char(minute AT TIME ZONE 'UTC', 'HH24:MI') ||"
            + " ' +' || entered || ' -' || exited, ' ' ORDER BY segment_id, minute) FROM"
            + " segment_minute_counts WHERE site_id = '"
            + site
            + "'");
  }

  private static long history(String site) throws Exception {
    return Long.parseLong(
        query("SELECT COUNT(*) FROM membership_history WHERE site_id = '" + site + "'"));
  }

  @Test
  void aVisitorWhoLeftAndCameBackWithinOneBatchIsAMemberAgain() throws Exception {
    String site = "w-back";
    write(change(site, "v1", "vip", Transition.ENTERED, T0));
    write(
        change(site, "v1", "vip", Transition.EXITED, T0.plusSeconds(60)),
        change(site, "v1", "vip", Transition.ENTERED, T0.plusSeconds(120)),
        change(site, "v2", "vip", Transition.ENTERED, T0.plusSeconds(130)));

    assertThat(history(site)).isEqualTo(4);
    assertThat(members(site)).isEqualTo("vip/v1@10:02:00 vip/v2@10:02:10");
    assertThat(minuteCounts(site)).isEqualTo("vip@10:00 +1 -0 vip@10:01 +0 -1 vip@10:02 +2 -0");
    assertThat(historyRowsCounted).containsExactly(1, 3);
  }

  @Test
  void aBatchThatRepeatsWrittenRowsWritesOnlyTheNewOnes() throws Exception {
    String site = "w-replay";
    SegmentChange enteredVip = change(site, "v1", "vip", Transition.ENTERED, T0);
    SegmentChange enteredCarts = change(site, "v1", "carts", Transition.ENTERED, T0.plusSeconds(5));
    SegmentChange exitedVip = change(site, "v1", "vip", Transition.EXITED, T0.plusSeconds(70));
    write(enteredVip, enteredCarts);
    String membersBefore = members(site);

    // A replay of the first batch with what came after it: plain inserts fail on the first row,
    // the keyed ones skip the two written rows and add the third.
    assertThat(membersBefore).isEqualTo("carts/v1@10:00:05 vip/v1@10:00:00");
    // The same batch once more changes nothing.
    for (int attempt = 0; attempt < 2; attempt++) {
      write(enteredVip, enteredCarts, exitedVip);
      assertThat(history(site)).isEqualTo(3);
      assertThat(members(site)).isEqualTo("carts/v1@10:00:05");
      assertThat(minuteCounts(site)).isEqualTo("carts@10:00 +1 -0 vip@10:00 +1 -0 vip@10:01 +0 -1");
      assertThat(historyRowsCounted).containsExactly(2, 1);
    }
  }

  @Test
  void timesInTheHourAClockTurnsBackAreKeptWhateverTheJvmsZone() throws Exception {
    // 00:30 and 01:30 UTC are both 02:30 in Berlin on the night summer time ends; written as the
    // JVM's local time they became one of them.
    String site = "w-zone";
    Instant first = Instant.parse("2026-10-25T00:30:00Z");
    Instant second = Instant.parse("2026-10-25T01:30:00Z");
    TimeZone before = TimeZone.getDefault();
    TimeZone.setDefault(TimeZone.getTimeZone("Europe/Berlin"));
    try {
      write(
          change(site, "v1", "vip", Transition.ENTERED, first),
          change(site, "v2", "vip", Transition.ENTERED, second));
    } finally {
      TimeZone.setDefault(before);
    }
    assertThat(members(site)).isEqualTo("vip/v1@00:30:00 vip/v2@01:30:00");
    assertThat(minuteCounts(site)).isEqualTo("vip@00:30 +1 -0 vip@01:30 +1 -0");
    assertThat(
            query(
                "SELECT string_agg(to_char(changed_at AT TIME ZONE 'UTC', 'HH24:MI'), ' ' ORDER BY"
                    + " visitor_id) FROM membership_history WHERE site_id = '"
                    + site
                    + "'"))
        .isEqualTo("00:30 01:30");
  }

  @Test
  void anEntryAlreadyNewerThanALateExitStays() throws Exception {
    String site = "w-late";
    SegmentChange exited = change(site, "v1", "vip", Transition.EXITED, T0.plusSeconds(60));
    write(change(site, "v1", "vip", Transition.ENTERED, T0.plusSeconds(120)));
    // An older exit arriving after the newer entry (a replay out of order) leaves the entry.
    write(exited);
    assertThat(members(site)).isEqualTo("vip/v1@10:02:00");
    // And an older entry replayed after it does not overwrite it (keyed: the newer entry wins).
    write(change(site, "v1", "vip", Transition.ENTERED, T0));
    assertThat(members(site)).isEqualTo("vip/v1@10:02:00");
    assertThat(history(site)).isEqualTo(3);
  }

  @Test
  void aDatabaseWrittenBySchemaVersion1KeepsItsRowsThroughTheUpgrade() throws Exception {
    try (Connection c = db.getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE upgrade");
    }
    DataSource upgrade = postgres.getDatabase("postgres", "upgrade");
    Flyway.configure()
        .dataSource(upgrade)
        .locations("classpath:db/migration")
        .target("1")
        .load()
        .migrate();
    try (Connection c = upgrade.getConnection()) {
      c.setAutoCommit(false);
      writer.changes(
          c,
          List.of(
              change("w-upgrade", "v1", "vip", Transition.ENTERED, T0),
              change("w-upgrade", "v2", "vip", Transition.ENTERED, T0.plusSeconds(1))));
      c.commit();
    }

    Flyway.configure().dataSource(upgrade).locations("classpath:db/migration").load().migrate();

    try (Connection c = upgrade.getConnection()) {
      c.setAutoCommit(false);
      // A replay of a row written before the upgrade, and a new one.
      writer.changes(
          c,
          List.of(
              change("w-upgrade", "v2", "vip", Transition.ENTERED, T0.plusSeconds(1)),
              change("w-upgrade", "v2", "vip", Transition.EXITED, T0.plusSeconds(90))));
      c.commit();
      try (Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SELECT (SELECT COUNT(*) FROM membership_history),"
                      + " (SELECT string_agg(visitor_id, ',') FROM membership_current),"
                      + " (SELECT collation_name FROM information_schema.columns"
                      + "  WHERE table_name = 'membership_history' AND column_name = 'visitor_id')")) {
        rs.next();
        assertThat(rs.getLong(1)).isEqualTo(3);
        assertThat(rs.getString(2)).isEqualTo("v1");
        assertThat(rs.getString(3)).isEqualTo("C");
      }
    }
  }
}
