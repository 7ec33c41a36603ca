package genpay.generation;

import genpay.config.ProviderFaults;
import genpay.config.Settings;
import genpay.redis.LuaScript;
import genpay.redis.Shards;
import genpay.redis.RedisClients;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.nio.charset.StandardCharsets;

/**
 * A stand-in for the SuperDuperAI video API: jobs that progress over SANDBOX_GENERATION_SECONDS and end with
 * a small real clip, state in Redis (every node serves every job), injected faults, and a count of starts
 * per Idempotency-Key so tests can prove a job was never started twice.
 */
public final class ProviderSandbox {

  public static final String PREFIX = "/sandbox/provider";
  /** A prompt holding this is refused with 400, as a content policy would: the way to test rejections. */
  public static final String REJECT_MARKER = "[sandbox:reject]";
  /** {@code [sandbox:fail:N]} in a prompt: the Nth video started with this prompt fails (e.g. one of an order's three). */
  private static final Pattern FAIL_MARKER = Pattern.compile("\\[sandbox:fail:(\\d{1,2})]");
  /**
   * {@code [sandbox:mb:N]} in a prompt: the video is a generated file of N MiB (1-2048) instead of the clip, made
   * while it is served (never held whole); {@code [sandbox:mb:N:slow]} serves it at about 5 MiB/s, so a test can
   * stop a copy half-way; {@code [sandbox:mb:N:stall]} stops sending past 6 MiB, holding the connection open, the
   * first time the file is asked for (on this node): a provider that hangs mid-file.
   */
  private static final Pattern SIZE_MARKER = Pattern.compile("\\[sandbox:mb:(\\d{1,4})(:slow|:stall)?]");
  private static final long TTL_SECONDS = TimeUnit.DAYS.toSeconds(2);
  private static final LuaScript START = LuaScript.fromResources("/lua/sandbox_provider_start.lua");
  /** Printable ASCII without spaces: the key becomes part of Redis key names. The real client sends a UUID. */
  private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("^[\\x21-\\x7E]{1,255}$");

  /** What the sandbox does with one request before (or instead of) answering it. */
  public enum Fault { NONE, SERVER_ERROR, TOO_MANY_REQUESTS, TIMEOUT }

  /**
   * The sandbox's own spread of keys (it is not the engine's data): fixed, so every node's sandbox finds a job from
   * its id alone whatever REDIS_SHARDS says.
   */
  private static final Shards SHARDS = Shards.DEFAULT;

  private final Redis redis;
  private final Settings settings;
  private final ProviderFaults faults;
  private final Random random = new Random();

  public ProviderSandbox(Redis redis, Settings settings) {
    this.redis = redis;
    this.settings = settings;
    this.faults = ProviderFaults.parse(settings.sandboxProviderFaults());
  }

  /** A job, under the tag of its id's shard (minted in its idempotency key's shard). */
  static String jobKey(String id) {
    return "sandbox:provider:job:" + SHARDS.tagOf(id) + ":" + id;
  }

  /** Real starts per idempotency key: every key of one start carries that key's shard tag. */
  public static String startsKey(String idempotencyKey) {
    return "sandbox:provider:starts:" + SHARDS.tagOf(idempotencyKey) + ":" + idempotencyKey;
  }

  public boolean authorized(String authorization) {
    return ("Bearer " + settings.effectiveProviderToken()).equals(authorization);
  }

  public Fault rollFault() {
    double roll = random.nextDouble();
    if (roll < faults.serverError()) {
      return Fault.SERVER_ERROR;
    }
    roll -= faults.serverError();
    if (roll < faults.tooManyRequests()) {
      return Fault.TOO_MANY_REQUESTS;
    }
    roll -= faults.tooManyRequests();
    return roll < faults.timeout() ? Fault.TIMEOUT : Fault.NONE;
  }

  /** How long a TIMEOUT fault holds its answer: past the engine's own request timeout. */
  public long timeoutDelayMs() {
    return settings.providerRequestTimeoutMs() + 1_000L;
  }

  /**
   * Starts a job, or answers the job an earlier call with the same idempotency key started. Every check runs
   * before Redis is touched, so a refused request leaves nothing behind.
   */
  public Future<JsonObject> start(JsonObject payload, String idempotencyKey) {
    return start(payload, idempotencyKey, "video");
  }

  /** The same for a file of {@code type} (video, image or audio), which decides the file it ends with. */
  public Future<JsonObject> start(JsonObject payload, String idempotencyKey, String type) {
    if (idempotencyKey == null || !IDEMPOTENCY_KEY.matcher(idempotencyKey).matches()) {
      throw new ProviderSandboxError(400,
          "The Idempotency-Key header is required: 1 to 255 printable ASCII characters, no spaces.");
    }
    JsonObject config = payload == null ? null : payload.getJsonObject("config");
    String prompt = config == null ? null : config.getString("prompt");
    if (prompt == null || prompt.isBlank()) {
      throw new ProviderSandboxError(400, "config.prompt is required");
    }
    if (prompt.contains(REJECT_MARKER)) {
      throw new ProviderSandboxError(400, "The prompt was rejected by the provider's content policy.");
    }
    String tag = SHARDS.tagOf(idempotencyKey);
    String id = SHARDS.mintNear(idempotencyKey, () -> UUID.randomUUID().toString());
    String fate = random.nextDouble() < faults.fail() ? "fail" : "ok";
    Matcher failing = FAIL_MARKER.matcher(prompt);
    String failNth = failing.find() ? failing.group(1) : "0";
    Matcher sized = SIZE_MARKER.matcher(prompt);
    boolean large = sized.find() && "video".equals(type);
    int sizeMb = large ? Math.max(1, Math.min(GeneratedMedia.MAX_MB, Integer.parseInt(sized.group(1)))) : 0;
    String slow = !large || sized.group(2) == null ? "0" : ":stall".equals(sized.group(2)) ? "stall" : "1";
    return START.run(redis, List.of("sandbox:provider:idem:" + tag + ":" + idempotencyKey, jobKey(id),
            startsKey(idempotencyKey),
            "sandbox:provider:prompt:" + tag + ":" + UUID.nameUUIDFromBytes(prompt.getBytes(StandardCharsets.UTF_8))),
            List.of(id, String.valueOf(System.currentTimeMillis()),
                String.valueOf(settings.sandboxGenerationSeconds() * 1000L), fate, String.valueOf(TTL_SECONDS),
                failNth, type, String.valueOf(sizeMb), slow))
        .compose(started -> file(started.toString()));
  }

  /** The file as the real API shapes it, progress computed from the time the job has run. */
  public Future<JsonObject> file(String id) {
    return send(Request.cmd(Command.HGETALL).arg(jobKey(id))).map(fields -> {
      if (fields == null || fields.size() == 0) {
        throw new ProviderSandboxError(404, "File not found");
      }
      return render(id, fields);
    });
  }

  private JsonObject render(String id, Response fields) {
    long createdAt = fields.get("createdAt").toLong();
    long duration = fields.get("durationMs").toLong();
    long elapsed = System.currentTimeMillis() - createdAt;
    boolean done = elapsed >= duration;
    boolean failed = done && "fail".equals(fields.get("fate").toString());
    String status = failed ? "failed" : done ? "completed" : elapsed < 200 ? "pending" : "in_progress";
    int progress = done ? 100 : (int) Math.min(99, elapsed * 100 / Math.max(1, duration));
    String media = settings.appUrl() + PREFIX + "/media/";
    String type = fields.get("type") == null ? "video" : fields.get("type").toString();
    String file = switch (type) {
      case "image" -> SandboxMedia.IMAGE;
      case "audio" -> SandboxMedia.AUDIO;
      default -> "clip.mp4";
    };
    int sizeMb = fields.get("sizeMb") == null ? 0 : fields.get("sizeMb").toInteger();
    if (sizeMb > 0) {
      String pace = fields.get("slow") == null ? "0" : fields.get("slow").toString();
      file = GeneratedMedia.NAME + "?mb=" + sizeMb + ("1".equals(pace) ? "&slow=1" : "stall".equals(pace)
          ? "&stall=1" : "") + "&";
    } else {
      file = file + "?";
    }
    boolean delivered = done && !failed;
    return new JsonObject()
        .put("id", id)
        .put("type", type)
        .put("url", delivered ? media + file + "file=" + id : null)
        .put("thumbnail_url", delivered && !"audio".equals(type)
            ? media + ("image".equals(type) ? SandboxMedia.IMAGE : "thumbnail.jpg") + "?file=" + id : null)
        .put("video_generation_id", id)
        .put("error", failed ? "The sandbox provider failed this generation (injected fault)." : null)
        .put("tasks", new JsonArray().add(new JsonObject()
            .put("type", type + "-generation-flow").put("status", status).put("progress", progress)));
  }

  private Future<Response> send(Request request) {
    return RedisClients.send(redis, request);
  }
}
