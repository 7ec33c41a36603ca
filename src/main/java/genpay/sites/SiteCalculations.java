package genpay.sites;

import genpay.config.BusFailure;
import genpay.config.BusReplies;
import genpay.redis.RedisClients;
import genpay.requests.RequestKeys;
import genpay.web.InvalidInput;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A site's calculation (DESIGN.md section 16): its URL count and a price per provider, found in Redis or made by
 * reading its sitemaps. {@code calculation:{hostname}} (a hash) and {@code calculation:{hostname}:urls} (the URLs,
 * a list in sitemap order) live 7 days. Prices are worked out from the count on every answer, so a price change
 * in the configuration applies at once.
 */
public final class SiteCalculations {

  public static final Duration TTL = Duration.ofDays(7);
  private static final int PUSH_BATCH = 1_000;

  private final Redis redis;
  private final long redisTimeoutMs;
  private final SitemapReader reader;
  private final ProviderPrices prices;
  private final boolean allowPrivate;
  private final Clock clock;
  /** Calculations under way on this verticle: concurrent asks for one site share one read of it. */
  private final Map<String, Future<JsonObject>> underWay = new HashMap<>();

  public SiteCalculations(Redis redis, long redisTimeoutMs, SitemapReader reader, ProviderPrices prices,
      boolean allowPrivate, Clock clock) {
    this.redis = redis;
    this.redisTimeoutMs = redisTimeoutMs;
    this.reader = reader;
    this.prices = prices;
    this.allowPrivate = allowPrivate;
    this.clock = clock;
  }

  /** {@code calculation:{hostname}}: its list and staging keys share the hostname's hash tag (one MULTI). */
  public static String key(String hostname) {
    return RequestKeys.calculation(hostname);
  }

  public static String urlsKey(String hostname) {
    return RequestKeys.calculationUrls(hostname);
  }

  /**
   * {@code {hostname}} → {@code {hostname, urlCount, complete, prices, calculatedAt}}. Fails 400 for a bad or
   * non-public hostname, 502 when the site could not be read, 503 when Redis could not be.
   */
  public Future<JsonObject> calculate(JsonObject body) {
    String hostname;
    try {
      hostname = SiteAddress.parse(body == null ? null : body.getString("hostname"), allowPrivate);
    } catch (InvalidInput | ClassCastException e) {
      return BusReplies.failure(BusFailure.BAD_REQUEST, e instanceof InvalidInput ? e.getMessage()
          : "hostname must be a string");
    }
    return stored(hostname).compose(found -> {
      if (found != null) {
        return Future.succeededFuture(found);
      }
      Future<JsonObject> running = underWay.get(hostname);
      if (running == null) {
        running = make(hostname);
        underWay.put(hostname, running);
        running.onComplete(done -> underWay.remove(hostname));
      }
      return running;
    });
  }

  private Future<JsonObject> stored(String hostname) {
    return send(Request.cmd(Command.HGETALL).arg(key(hostname))).map(response -> {
      if (response == null || response.size() == 0 || response.get("urlCount") == null
          || response.get("calculatedAt") == null) {
        return null;
      }
      return answer(hostname, response.get("urlCount").toLong(), response.get("complete") == null
          || "1".equals(response.get("complete").toString()),
          response.get("calculatedAt").toString());
    });
  }

  private Future<JsonObject> make(String hostname) {
    return reader.count(hostname)
        .recover(failure -> failure instanceof FetchException fetch
            ? BusReplies.failure(fetch.refused() ? BusFailure.BAD_REQUEST : BusFailure.BAD_GATEWAY,
                (fetch.refused() ? "refused: " : "the site could not be read: ") + fetch.getMessage())
            : Future.failedFuture(failure))
        .compose(count -> store(count).recover(failure -> BusReplies.failure(BusFailure.UNAVAILABLE,
            "the calculation could not be stored")));
  }

  /** The URLs go to a fresh key first, renamed in place with the hash in one transaction: never half a list. */
  private Future<JsonObject> store(SiteCount count) {
    String hostname = count.hostname();
    String calculatedAt = Instant.now(clock).toString();
    String staging = urlsKey(hostname) + ":" + UUID.randomUUID();
    List<Request> pushes = new ArrayList<>();
    for (int from = 0; from < count.urls().size(); from += PUSH_BATCH) {
      Request push = Request.cmd(Command.RPUSH).arg(staging);
      count.urls().subList(from, Math.min(from + PUSH_BATCH, count.urls().size())).forEach(push::arg);
      pushes.add(push);
    }
    // A staging key left by a crash goes by itself.
    pushes.add(Request.cmd(Command.EXPIRE).arg(staging).arg(600));
    long ttl = TTL.toSeconds();
    List<Request> commit = List.of(
        Request.cmd(Command.MULTI),
        Request.cmd(Command.RENAME).arg(staging).arg(urlsKey(hostname)),
        // The list outlives the hash a little: whoever finds the hash finds its URLs.
        Request.cmd(Command.EXPIRE).arg(urlsKey(hostname)).arg(ttl + 60),
        Request.cmd(Command.DEL).arg(key(hostname)),
        Request.cmd(Command.HSET).arg(key(hostname)).arg("hostname").arg(hostname)
            .arg("urlCount").arg(count.urls().size()).arg("complete").arg(count.complete() ? "1" : "0")
            .arg("calculatedAt").arg(calculatedAt),
        Request.cmd(Command.EXPIRE).arg(key(hostname)).arg(ttl),
        Request.cmd(Command.EXEC));
    return redis.batch(pushes).timeout(redisTimeoutMs * 4, java.util.concurrent.TimeUnit.MILLISECONDS)
        .compose(pushed -> redis.batch(commit).timeout(redisTimeoutMs, java.util.concurrent.TimeUnit.MILLISECONDS))
        .map(committed -> answer(hostname, count.urls().size(), count.complete(), calculatedAt));
  }

  private JsonObject answer(String hostname, long urlCount, boolean complete, String calculatedAt) {
    return new JsonObject()
        .put("hostname", hostname)
        .put("urlCount", urlCount)
        .put("complete", complete)
        .put("prices", prices.toJson(urlCount))
        .put("calculatedAt", calculatedAt);
  }

  private Future<Response> send(Request request) {
    return RedisClients.send(redis, request, redisTimeoutMs)
        .recover(failure -> BusReplies.failure(BusFailure.UNAVAILABLE, "Redis is unavailable"));
  }
}
