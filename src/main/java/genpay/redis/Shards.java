package genpay.redis;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
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
