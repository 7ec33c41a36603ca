package genpay.redis;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.zip.CRC32;

/**
 * The shards keys are spread over (DESIGN.md section 18). An order, an account or a request belongs to the shard
 * of its id ({@link #of}); every key of it carries that shard's tag ({@code {s17}}, a Redis Cluster hash tag), so
 * one script may touch all of them on a cluster. Ids the engine mints are drawn until they fall in their owner's
 * shard ({@link #mint}), so the shard of any key follows from an id alone.
 */
public final class Shards {

  public static final int DEFAULT_COUNT = 64;
  /** Redis Cluster has 16384 slots: more shards could not land in different slots. */
  public static final int MAX_COUNT = 16_384;
  /** The count of the default deployment: what code without settings (tools, tests) uses. */
  public static final Shards DEFAULT = new Shards(DEFAULT_COUNT);

  private static final Map<Integer, Shards> BY_COUNT = new ConcurrentHashMap<>(Map.of(DEFAULT_COUNT, DEFAULT));
  /** A few thousand draws at most even with the largest count; beyond that the supplier cannot reach the shard. */
  private static final int MAX_DRAWS = 1_000_000;

  private final int count;
  private final List<Integer> all;
  private final String[] tags;

  public Shards(int count) {
    if (count < 1 || count > MAX_COUNT) {
      throw new IllegalArgumentException("shard count must be 1 to " + MAX_COUNT);
    }
    this.count = count;
    this.all = IntStream.range(0, count).boxed().toList();
    this.tags = new String[count];
    for (int shard = 0; shard < count; shard++) {
      tags[shard] = "{s" + shard + "}";
    }
  }

  /** One shared instance per count. */
  public static Shards withCount(int count) {
    return BY_COUNT.computeIfAbsent(count, Shards::new);
  }

  public int count() {
    return count;
  }

  /** CRC32 of the id's UTF-8 bytes, modulo the count. */
  public int of(String id) {
    CRC32 crc = new CRC32();
    crc.update(id.getBytes(StandardCharsets.UTF_8));
    return (int) (crc.getValue() % count);
  }

  /** {@code {s17}}: braces included, so the whole key hashes by it alone. */
  public String tag(int shard) {
    return tags[shard];
  }

  public String tagOf(String id) {
    return tag(of(id));
  }

  public List<Integer> all() {
    return all;
  }

  /** Every tag, in shard order. */
  public List<String> tags() {
    return all.stream().map(this::tag).toList();
  }

  /** Draws ids until one falls in {@code shard} (on average {@link #count()} draws). */
  public String mint(int shard, Supplier<String> draw) {
    for (int i = 0; i < MAX_DRAWS; i++) {
      String id = draw.get();
      if (of(id) == shard) {
        return id;
      }
    }
    throw new IllegalStateException("no id of shard " + shard + " after " + MAX_DRAWS + " draws");
  }

  /**
   * A random UUID (as text) of {@code shard}: 122 random bits, of which only the low 24 are drawn again until the
   * id falls in the shard. The CRC of the first 30 characters is taken once and carried over the last 6 for each
   * draw, so a paid webhook's ten ids cost microseconds, not ten times 64 full UUIDs hashed.
   */
  public String mintUuid(int shard) {
    UUID base = UUID.randomUUID();
    String text = new UUID(base.getMostSignificantBits(), base.getLeastSignificantBits() & ~0xFFFFFFL).toString();
    String prefix = text.substring(0, UUID_TEXT - LOW_HEX);
    CRC32 crc = new CRC32();
    crc.update(prefix.getBytes(StandardCharsets.US_ASCII));
    long prefixCrc = crc.getValue();
    byte[] low = new byte[LOW_HEX];
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int i = 0; i < MAX_DRAWS; i++) {
      int bits = random.nextInt(1 << 24);
      for (int digit = LOW_HEX - 1; digit >= 0; digit--) {
        low[digit] = (byte) Character.forDigit(bits & 0xF, 16);
        bits >>>= 4;
      }
      if (continueCrc(prefixCrc, low) % count == shard) {
        return prefix + new String(low, StandardCharsets.US_ASCII);
      }
    }
    throw new IllegalStateException("no id of shard " + shard + " after " + MAX_DRAWS + " draws");
  }

  private static final int UUID_TEXT = 36;
  private static final int LOW_HEX = 6;
  private static final int[] CRC_TABLE = new int[256];

  static {
    for (int n = 0; n < 256; n++) {
      int c = n;
      for (int k = 0; k < 8; k++) {
        c = (c & 1) != 0 ? 0xEDB88320 ^ (c >>> 1) : c >>> 1;
      }
      CRC_TABLE[n] = c;
    }
  }

  /** The CRC-32 (zlib's, as {@link CRC32}) of a text whose start has {@code crc}, followed by {@code more}. */
  static long continueCrc(long crc, byte[] more) {
    int c = ~(int) crc;
    for (byte b : more) {
      c = CRC_TABLE[(c ^ b) & 0xFF] ^ (c >>> 8);
    }
    return ~c & 0xFFFFFFFFL;
  }

  /** The same, in the shard of {@code ownerId}. */
  public String mintNear(String ownerId, Supplier<String> draw) {
    return mint(of(ownerId), draw);
  }

  /** The hash tag a key carries ({@code {s17}}), or null when it has none. */
  public static String tagIn(String key) {
    int open = key.indexOf('{');
    int close = open < 0 ? -1 : key.indexOf('}', open + 1);
    return close > open + 1 ? key.substring(open, close + 1) : null;
  }
}
