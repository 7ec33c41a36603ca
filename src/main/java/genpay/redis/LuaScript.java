package genpay.redis;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Lua script run with EVALSHA, falling back to EVAL when Redis does not know it yet
 * (first use, a restart flushed the script cache, or a replica just promoted: each node has its own cache).
 * A {@link #critical()} script is a write that must survive a failover: it waits for one replica (see
 * {@link Durability}).
 *
 * <p>The rule of every script, so it runs on a Redis Cluster (DESIGN.md section 18): it touches only keys of one
 * hash tag. It declares in KEYS every key it is given, all carrying the same tag ({@code {s17}}, see
 * {@link Shards}), and any key it builds itself it builds from the tag of a key in KEYS (snapshot.lua's
 * {@code tag_of}); a script of one key may use an untagged key. {@link #run} refuses KEYS of different tags at
 * once, whatever Redis is behind it, so the rule is checked by every test, not only on a cluster.
 */
public final class LuaScript {

  private final String source;
  private final String sha1;
  private final boolean critical;

  private LuaScript(String source, boolean critical) {
    this.source = source;
    this.sha1 = sha1Hex(source);
    this.critical = critical;
  }

  /**
   * The same script as a critical write (a payment applied, a ledger entry, a refund owed): each run is followed
   * by WAIT 1 on its connection when its master has a replica. It still succeeds when no replica answers in time.
   */
  public LuaScript critical() {
    return new LuaScript(source, true);
  }

  /** Loads classpath resources and joins them in order, so scripts can share a prelude of helpers. */
  public static LuaScript fromResources(String... resources) {
    StringBuilder source = new StringBuilder();
    for (String resource : resources) {
      try (InputStream in = LuaScript.class.getResourceAsStream(resource)) {
        if (in == null) {
          throw new IllegalStateException("missing Lua resource " + resource);
        }
        source.append(new String(in.readAllBytes(), StandardCharsets.UTF_8)).append('\n');
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return new LuaScript(source.toString(), false);
  }

  public Future<Response> run(Redis redis, List<String> keys, List<String> args) {
    return run(redis, keys, args, RedisClients.COMMAND_TIMEOUT_MS);
  }

  /**
   * Bounded by {@code timeoutMs} (a critical one's WAIT adds at most half that, up to a second); a script that
   * timed out may still run afterwards.
   */
  public Future<Response> run(Redis redis, List<String> keys, List<String> args, long timeoutMs) {
    String mixed = mixedTags(keys);
    if (mixed != null) {
      return Future.failedFuture(new IllegalArgumentException("CROSSSLOT: one script, keys of different hash tags: "
          + mixed));
    }
    if (critical) {
      return runConfirmed(redis, keys, args, timeoutMs).map(Durability.Written::response);
    }
    return redis.send(request(Command.EVALSHA, sha1, keys, args))
        .recover(failure -> failure.getMessage() != null && failure.getMessage().startsWith("NOSCRIPT")
            ? redis.send(request(Command.EVAL, source, keys, args))
            : Future.failedFuture(failure))
        .timeout(timeoutMs, TimeUnit.MILLISECONDS);
  }

  /** Runs it as a critical write and says how many replicas acknowledged it. */
  public Future<Durability.Written> runConfirmed(Redis redis, List<String> keys, List<String> args, long timeoutMs) {
    return RedisClients.durability(redis).write(keys, request(Command.EVALSHA, sha1, keys, args),
        request(Command.EVAL, source, keys, args), timeoutMs);
  }

  /** Null when the keys may go to one script: one key, or all of one tag; else the first two that differ. */
  static String mixedTags(List<String> keys) {
    if (keys.size() < 2) {
      return null;
    }
    String first = Shards.tagIn(keys.get(0));
    for (String key : keys) {
      String tag = Shards.tagIn(key);
      if (tag == null || !tag.equals(first)) {
        return keys.get(0) + ", " + key;
      }
    }
    return null;
  }

  private static Request request(Command command, String script, List<String> keys, List<String> args) {
    Request request = Request.cmd(command).arg(script).arg(keys.size());
    keys.forEach(request::arg);
    args.forEach(request::arg);
    return request;
  }

  private static String sha1Hex(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
