package io.visitorprofiler.sink.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.visitorprofiler.sink.SinkSettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sink's PostgreSQL: the one named by {@code VP_SINK_JDBC_URL}, or else a real PostgreSQL
 * started from Maven Central's binaries with its data kept in a folder across restarts. Schema
 * migrations (Flyway, {@code db/migration}) run on start.
 */
public final class Database implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Database.class);

  private final HikariDataSource pool;
  private final EmbeddedPostgres embedded;

  private Database(HikariDataSource pool, EmbeddedPostgres embedded) {
    this.pool = pool;
    this.embedded = embedded;
  }

  public static Database open(SinkSettings settings) {
    HikariConfig config = new HikariConfig();
    config.setPoolName("segment-sink");
    config.setMaximumPoolSize(settings.poolSize());
    config.setAutoCommit(true);
    config.setConnectionTimeout(5_000); // a database outage shows within seconds, then retries
    // The driver's messages would quote the server's detail, which holds refused values (a
    // visitor's form input): messages end up in logs and dead letters.
    config.addDataSourceProperty("logServerErrorDetail", "false");
    EmbeddedPostgres embedded = null;
    if (settings.jdbcUrl().isPresent()) {
      config.setJdbcUrl(settings.jdbcUrl().get());
      settings.jdbcUser().ifPresent(config::setUsername);
      settings.jdbcPassword().ifPresent(config::setPassword);
      log.info("database: {}", redact(settings.jdbcUrl().get()));
    } else {
      embedded = startEmbedded(settings);
      config.setJdbcUrl(embedded.getJdbcUrl("postgres", "postgres"));
      log.info(
          "database: embedded PostgreSQL on 127.0.0.1:{}, data in {}",
          embedded.getPort(),
          settings.embeddedDataDir().toAbsolutePath());
    }
    HikariDataSource pool = new HikariDataSource(config);
    Flyway.configure().dataSource(pool).locations("classpath:db/migration").load().migrate();
    return new Database(pool, embedded);
  }

  private static EmbeddedPostgres startEmbedded(SinkSettings settings) {
    try {
      Files.createDirectories(settings.embeddedDataDir());
      return configureEmbedded(EmbeddedPostgres.builder())
          .setDataDirectory(settings.embeddedDataDir())
          .setCleanDataDirectory(false)
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the embedded PostgreSQL", e);
    }
  }

  /**
   * The embedded server's settings: loopback only; durable commits (the library's default turns
   * {@code synchronous_commit} off, which could lose a committed batch whose offsets Kafka already
   * has); and room for bulk writes (buffers, fewer checkpoints).
   */
  public static EmbeddedPostgres.Builder configureEmbedded(EmbeddedPostgres.Builder builder) {
    return builder
        .setServerConfig("listen_addresses", "127.0.0.1")
        .setServerConfig("synchronous_commit", "on")
        .setServerConfig("shared_buffers", "256MB")
        .setServerConfig("max_wal_size", "2GB")
        .setServerConfig("checkpoint_timeout", "15min");
  }

  private static String redact(String url) {
    return url.replaceAll("password=[^&]*", "password=***");
  }

  public DataSource dataSource() {
    return pool;
  }

  public Connection connection() throws SQLException {
    return pool.getConnection();
  }

  /** Whether the database answers a trivial query. */
  public boolean reachable() {
    try (Connection c = pool.getConnection()) {
      return c.isValid(2);
    } catch (SQLException e) {
      return false;
    }
  }

  @Override
  public void close() {
    pool.close();
    if (embedded != null) {
      try {
        embedded.close();
      } catch (IOException e) {
        log.warn("stopping the embedded PostgreSQL failed", e);
      }
    }
  }
}
