package io.visitorprofiler.gateway.enrich;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test support: writes a tiny MaxMind DB (.mmdb, format 2.0) file so tests can use the real GeoIP2
 * {@code DatabaseReader} without downloading or committing licensed data.
 *
 * <p>Format: https://maxmind.github.io/MaxMind-DB/ . The file is an IPv6 search tree (24-bit
 * records) with IPv4 networks stored under {@code ::/96} (like MaxMind's own files), a 16-byte zero
 * separator, the data section, then {@code "\xAB\xCD\xEFMaxMind.com"} and the metadata map. Data is
 * written inline (no pointers, no de-duplication) - fine for a handful of entries.
 *
 * <pre>{@code
 * Path file = new MmdbTestDatabase("GeoIP2-City")
 *     .city("203.0.113.0/24", "US", "FL", "Florida", "Miami")
 *     .city("2001:db8:1::/48", "DE", "BE", "Berlin", "Berlin")
 *     .writeTo(dir.resolve("test-city.mmdb"));
 * }</pre>
 *
 * <p>Value mapping for {@link #record}: String -> utf8_string, Double -> double, Boolean ->
 * boolean, Integer -> uint16 (int32 if outside 0..65535), Long -> uint32 (uint64 if larger),
 * BigInteger -> uint64/uint128, Map (String keys) -> map, List -> array. This matches GeoIP2's
 * field types (e.g. geoname_id Long/uint32, confidence Integer/uint16).
 */
public final class MmdbTestDatabase {

  private static final byte[] METADATA_MARKER = {
    (byte) 0xAB, (byte) 0xCD, (byte) 0xEF, 'M', 'a', 'x', 'M', 'i', 'n', 'd', '.', 'c', 'o', 'm'
  };
  private static final int RECORD_SIZE = 24;
  private static final int DATA_SECTION_SEPARATOR = 16;

  private record Entry(byte[] address, int prefixLength, Map<String, ?> data) {}

  /** Search tree node; each child is a {@code Node}, a {@code Leaf} or null (no data). */
  private static final class Node {
    Object[] children = new Object[2];
  }

  private record Leaf(int dataOffset) {}

  private final String databaseType;
  private final List<Entry> entries = new ArrayList<>();
  private long buildEpoch = 1_700_000_000L; // fixed, so output is reproducible

  /**
   * @param databaseType metadata database_type, e.g. "GeoIP2-City" (the reader's city() wants
   *     "City").
   */
  public MmdbTestDatabase(String databaseType) {
    this.databaseType = databaseType;
  }

  /** Adds a GeoIP2 City record without country names. Null arguments leave that part out. */
  public MmdbTestDatabase city(
      String cidr,
      String countryIso,
      String subdivisionIso,
      String subdivisionName,
      String cityName) {
    return city(cidr, countryIso, null, subdivisionIso, subdivisionName, cityName);
  }

  /**
   * Adds a GeoIP2 City record; every name is stored under locale "en". Null arguments are omitted.
   */
  public MmdbTestDatabase city(
      String cidr,
      String countryIso,
      String countryName,
      String subdivisionIso,
      String subdivisionName,
      String cityName) {
    Map<String, Object> data = new LinkedHashMap<>();
    if (countryIso != null || countryName != null) {
      data.put("country", place(countryIso, countryName));
    }
    if (subdivisionIso != null || subdivisionName != null) {
      data.put("subdivisions", List.of(place(subdivisionIso, subdivisionName)));
    }
    if (cityName != null) {
      data.put("city", place(null, cityName));
    }
    return record(cidr, data);
  }

  /** Maps a CIDR network (IPv4 or IPv6) to an arbitrary data map. More specific networks win. */
  public MmdbTestDatabase record(String cidr, Map<String, ?> data) {
    String[] parts = cidr.split("/", 2);
    InetAddress address;
    try {
      address = InetAddress.getByName(parts[0]); // IP literal: no DNS lookup
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("Not an IP address: " + cidr, e);
    }
    boolean ipv4 = address instanceof Inet4Address;
    int prefix = parts.length == 2 ? Integer.parseInt(parts[1]) : (ipv4 ? 32 : 128);
    if (prefix < (ipv4 ? 0 : 1) || prefix > (ipv4 ? 32 : 128)) {
      throw new IllegalArgumentException("Bad prefix length: " + cidr);
    }
    byte[] ipv6 = new byte[16];
    byte[] raw = address.getAddress();
    System.arraycopy(raw, 0, ipv6, 16 - raw.length, raw.length); // IPv4 -> ::a.b.c.d
    entries.add(new Entry(ipv6, ipv4 ? prefix + 96 : prefix, data));
    return this;
  }

  /** Sets the metadata build_epoch (seconds since the Unix epoch). */
  public MmdbTestDatabase buildEpoch(long epochSeconds) {
    this.buildEpoch = epochSeconds;
    return this;
  }

  /** Writes the database to {@code file} (creating parent directories) and returns it. */
  public Path writeTo(Path file) throws IOException {
    if (file.toAbsolutePath().getParent() != null) {
      Files.createDirectories(file.toAbsolutePath().getParent());
    }
    return Files.write(file, toBytes());
  }

  /** Returns the complete .mmdb file contents. */
  public byte[] toBytes() {
    // Data section + trie. Less specific networks first, so more specific ones override them.
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    Node root = new Node();
    List<Entry> sorted = new ArrayList<>(entries);
    sorted.sort(Comparator.comparingInt(Entry::prefixLength));
    for (Entry entry : sorted) {
      Leaf leaf = new Leaf(data.size());
      encode(data, entry.data());
      insert(root, entry, leaf);
    }

    // Number nodes breadth-first (root = 0), then write each node as two 24-bit records.
    Map<Node, Integer> ids = new IdentityHashMap<>();
    List<Node> order = new ArrayList<>();
    ArrayDeque<Node> queue = new ArrayDeque<>(List.of(root));
    while (!queue.isEmpty()) {
      Node node = queue.poll();
      ids.put(node, order.size());
      order.add(node);
      for (Object child : node.children) {
        if (child instanceof Node n) {
          queue.add(n);
        }
      }
    }
    long nodeCount = order.size();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Node node : order) {
      for (Object child : node.children) {
        long value =
            child instanceof Node n
                ? ids.get(n)
                : child instanceof Leaf l
                    ? nodeCount + DATA_SECTION_SEPARATOR + l.dataOffset()
                    : nodeCount; // "no data"
        if (value >= 1L << RECORD_SIZE) {
          throw new IllegalStateException("Database too large for 24-bit records");
        }
        out.write((int) (value >>> 16));
        out.write((int) (value >>> 8));
        out.write((int) value);
      }
    }
    out.writeBytes(new byte[DATA_SECTION_SEPARATOR]);
    out.writeBytes(data.toByteArray());

    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("binary_format_major_version", 2);
    metadata.put("binary_format_minor_version", 0);
    metadata.put("build_epoch", BigInteger.valueOf(buildEpoch)); // uint64
    metadata.put("database_type", databaseType);
    metadata.put(
        "description", Map.of("en", "Test " + databaseType + " database (MmdbTestDatabase)"));
    metadata.put("ip_version", 6);
    metadata.put("languages", List.of("en"));
    metadata.put("node_count", nodeCount); // uint32
    metadata.put("record_size", RECORD_SIZE); // uint16
    out.writeBytes(METADATA_MARKER);
    encode(out, metadata);
    return out.toByteArray();
  }

  private static Map<String, Object> place(String isoCode, String enName) {
    Map<String, Object> place = new LinkedHashMap<>();
    if (isoCode != null) {
      place.put("iso_code", isoCode);
    }
    if (enName != null) {
      place.put("names", Map.of("en", enName));
    }
    return place;
  }

  private static void insert(Node root, Entry entry, Leaf leaf) {
    Node node = root;
    for (int i = 0; i < entry.prefixLength(); i++) {
      int bit = (entry.address()[i / 8] >>> (7 - i % 8)) & 1;
      if (i == entry.prefixLength() - 1) {
        node.children[bit] = leaf;
      } else {
        Object child = node.children[bit];
        if (!(child instanceof Node)) { // empty, or a less specific network: split it
          Node split = new Node();
          split.children[0] = child;
          split.children[1] = child;
          node.children[bit] = split;
        }
        node = (Node) node.children[bit];
      }
    }
  }

  /** Encodes one value in the MaxMind DB data format (section "Output Data Section"). */
  private static void encode(ByteArrayOutputStream out, Object value) {
    if (value instanceof String s) {
      byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
      control(out, 2, bytes.length);
      out.writeBytes(bytes);
    } else if (value instanceof Double d) {
      control(out, 3, 8);
      out.writeBytes(ByteBuffer.allocate(8).putDouble(d).array());
    } else if (value instanceof Integer i && i >= 0 && i <= 0xFFFF) {
      unsigned(out, 5, BigInteger.valueOf(i));
    } else if (value instanceof Integer i) {
      control(out, 8, 4); // int32
      out.writeBytes(ByteBuffer.allocate(4).putInt(i).array());
    } else if (value instanceof Long l && l >= 0) {
      unsigned(out, l <= 0xFFFF_FFFFL ? 6 : 9, BigInteger.valueOf(l));
    } else if (value instanceof BigInteger b && b.signum() >= 0 && b.bitLength() <= 128) {
      unsigned(out, b.bitLength() <= 64 ? 9 : 10, b);
    } else if (value instanceof Boolean b) {
      control(out, 14, b ? 1 : 0); // the value lives in the size field
    } else if (value instanceof Map<?, ?> map) {
      control(out, 7, map.size());
      map.forEach(
          (k, v) -> {
            encode(out, (String) k);
            encode(out, v);
          });
    } else if (value instanceof List<?> list) {
      control(out, 11, list.size());
      list.forEach(v -> encode(out, v));
    } else {
      throw new IllegalArgumentException("Unsupported MMDB value: " + value);
    }
  }

  /** Big-endian unsigned integer without leading zero bytes (size 0 means the value 0). */
  private static void unsigned(ByteArrayOutputStream out, int type, BigInteger value) {
    byte[] bytes = value.toByteArray();
    int start = 0;
    while (start < bytes.length && bytes[start] == 0) {
      start++;
    }
    control(out, type, bytes.length - start);
    out.write(bytes, start, bytes.length - start);
  }

  /**
   * Control byte: 3 type bits + 5 size bits; extended types (> 7) put type - 7 in the next byte.
   */
  private static void control(ByteArrayOutputStream out, int type, int size) {
    int sizeBits = size < 29 ? size : size < 285 ? 29 : size < 65_821 ? 30 : 31;
    int extra = size < 29 ? 0 : size < 285 ? size - 29 : size < 65_821 ? size - 285 : size - 65_821;
    int extraBytes = sizeBits - 28 > 0 ? sizeBits - 28 : 0;
    if (type <= 7) {
      out.write(type << 5 | sizeBits);
    } else {
      out.write(sizeBits);
      out.write(type - 7);
    }
    for (int i = extraBytes - 1; i >= 0; i--) {
      out.write(extra >>> (8 * i));
    }
  }
}
