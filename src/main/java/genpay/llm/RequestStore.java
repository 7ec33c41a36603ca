package genpay.llm;

import genpay.requests.RequestKeys;
import genpay.redis.LuaScript;
import genpay.redis.RedisClients;
import genpay.redis.Shards;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The worker's side of a generation request in Redis: its transitions (start, progress, complete, fail), each one
 * script that bumps {@code version}, and the per-page entries that let a claimer resume where a dead worker stopped.
 */
public final class RequestStore {

  /** Not a URL, so it never collides with a page's entry. */
  static final String SITE_TITLE_FIELD = "#title";

  private static final LuaScript START = LuaScript.fromResources("/lua/request_start.lua");
  private static final LuaScript PROGRESS = LuaScript.fromResources("/lua/request_progress.lua");
  private static final LuaScript COMPLETE = LuaScript.fromResources("/lua/request_complete.lua");
  private static final LuaScript FAIL = LuaScript.fromResources("/lua/request_fail.lua").critical();

  /** A script's answer: what it did, and the request's hash afterwards (empty when it was missing). */
  public record Outcome(String outcome, Map<String, String> request) {

    /** Whether the script changed the request, so its new state is published. */
    public boolean changed() {
      return switch (outcome) {
        case "started", "changed", "completed", "failed" -> true;
        default -> false;
      };
    }
  }

  private final Redis redis;
  private final Shards shards;
  private final long timeoutMs;

  public RequestStore(Redis redis, Shards shards, long timeoutMs) {
    this.redis = redis;
    this.shards = shards;
    this.timeoutMs = timeoutMs;
  }

  public Future<Map<String, String>> read(String id) {
    return send(Request.cmd(Command.HGETALL).arg(RequestKeys.request(shards.tagOf(id), id))).map(RequestStore::hash);
  }

  /** The site's URLs in sitemap order, each once. */
  public Future<List<String>> urls(String hostname) {
    return send(Request.cmd(Command.LRANGE).arg(RequestKeys.calculationUrls(hostname)).arg(0).arg(-1))
        .map(response -> {
          java.util.LinkedHashSet<String> urls = new java.util.LinkedHashSet<>();
          response.forEach(url -> urls.add(url.toString()));
          return List.copyOf(urls);
        });
  }

  public Future<Outcome> start(String id, int total) {
    return run(START, List.of(RequestKeys.request(shards.tagOf(id), id)), List.of(String.valueOf(total), now()));
  }

  public Future<Outcome> progress(String id, int done, int total) {
    return run(PROGRESS, List.of(RequestKeys.request(shards.tagOf(id), id)), List.of(String.valueOf(done), String.valueOf(total)));
  }

  public Future<Outcome> complete(Map<String, String> request, String document, int total) {
    String id = request.get("id");
    String tag = shards.tagOf(id);
    return run(COMPLETE, List.of(RequestKeys.request(tag, id), RequestKeys.result(tag, id), RequestKeys.lines(tag, id),
        RequestKeys.open(tag, request.get("hostname"), request.get("provider"))), List.of(document, String.valueOf(total), now()));
  }

  public Future<Outcome> fail(Map<String, String> request, String reason) {
    String id = request.get("id");
    String tag = shards.tagOf(id);
    return run(FAIL, List.of(RequestKeys.request(tag, id), RequestKeys.lines(tag, id),
        RequestKeys.open(tag, request.get("hostname"), request.get("provider"))), List.of(reason, now()));
  }

  /** The entries finished so far (url → entry), and the site title under {@link #SITE_TITLE_FIELD} once known. */
  public Future<Map<String, String>> lines(String id) {
    return send(Request.cmd(Command.HGETALL).arg(RequestKeys.lines(shards.tagOf(id), id))).map(RequestStore::hash);
  }

  public Future<Void> saveLine(String id, String field, String entry) {
    return send(Request.cmd(Command.HSET).arg(RequestKeys.lines(shards.tagOf(id), id)).arg(field).arg(entry)).mapEmpty();
  }

  private Future<Outcome> run(LuaScript script, List<String> keys, List<String> args) {
    return script.run(redis, keys, args, timeoutMs).map(response -> {
      Map<String, String> request = new HashMap<>();
      for (int i = 1; i + 1 < response.size(); i += 2) {
        request.put(response.get(i).toString(), response.get(i + 1).toString());
      }
      return new Outcome(response.get(0).toString(), request);
    });
  }

  /** HGETALL answers a map (RESP3) or a flat list (RESP2). */
  static Map<String, String> hash(Response response) {
    Map<String, String> hash = new HashMap<>();
    if (response == null) {
      return hash;
    }
    if (response.isMap()) {
      for (String key : response.getKeys()) {
        hash.put(key, response.get(key).toString());
      }
    } else {
      for (int i = 0; i + 1 < response.size(); i += 2) {
        hash.put(response.get(i).toString(), response.get(i + 1).toString());
      }
    }
    return hash;
  }

  private static String now() {
    return String.valueOf(System.currentTimeMillis());
  }

  private Future<Response> send(Request request) {
    return RedisClients.send(redis, request, timeoutMs);
  }

}
