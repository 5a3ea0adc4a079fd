package io.visitorprofiler.gateway.enrich;

import com.maxmind.geoip2.DatabaseReader;
import com.maxmind.geoip2.exception.GeoIp2Exception;
import com.maxmind.geoip2.model.CityResponse;
import com.maxmind.geoip2.record.Subdivision;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Geography from a MaxMind GeoIP2 / GeoLite2 City database file (or any file in that format),
 * memory-mapped, looked up with the full address in memory only.
 */
public final class MaxMindGeo implements GeoLocator, AutoCloseable {
  private final DatabaseReader reader;

  private MaxMindGeo(DatabaseReader reader) {
    this.reader = reader;
  }

  public static MaxMindGeo open(Path database) {
    if (!Files.isReadable(database)) {
      throw new IllegalArgumentException("GeoIP database " + database + " is not readable");
    }
    try {
      return new MaxMindGeo(new DatabaseReader.Builder(database.toFile()).build());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open GeoIP database " + database, e);
    }
  }

  /** The database's type and build time, for the start-up log. */
  public String describe() {
    return reader.metadata().databaseType() + " built " + reader.metadata().buildTime();
  }

  @Override
  public Location locate(InetAddress address, UnaryOperator<String> headers) {
    if (address == null) {
      return Location.UNKNOWN;
    }
    Optional<CityResponse> found;
    try {
      found = reader.tryCity(address);
    } catch (IOException | GeoIp2Exception e) {
      return Location.UNKNOWN;
    }
    if (found.isEmpty()) {
      return Location.UNKNOWN;
    }
    CityResponse city = found.get();
    Subdivision region = city.mostSpecificSubdivision();
    return new Location(
        city.country() == null ? null : city.country().isoCode(),
        region == null ? null : region.isoCode(),
        city.city() == null ? null : city.city().name());
  }

  @Override
  public void close() throws IOException {
    reader.close();
  }
}
