package genpay.stripe;

import genpay.config.Settings;
import genpay.redis.LuaScript;
import genpay.redis.RedisClients;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in for the part of Stripe's API the engine uses, in Stripe's JSON shapes, with its state in Redis
 * so that every node of a cluster serves the same sessions. Never runs beside a live key.
 */
public final class StripeSandbox {

  public static final String PREFIX = "/sandbox/stripe";
  /** stripe-java appends /v1/... to its API base. */
  public static final String API_PREFIX = PREFIX;

  private static final LuaScript CREATE = LuaScript.fromResources("/lua/sandbox_checkout_create.lua");
  private static final LuaScript MOVE = LuaScript.fromResources("/lua/sandbox_checkout_move.lua");
  private static final long TTL_SECONDS = TimeUnit.DAYS.toSeconds(2);
  private static final long OPEN_SECONDS = TimeUnit.HOURS.toSeconds(24);

  private final Redis redis;
  private final Settings settings;
  private final Clock clock;

  public StripeSandbox(Redis redis, Settings settings, Clock clock) {
    this.redis = redis;
    this.settings = settings;
    this.clock = clock;
  }

  static String key(String sessionId) {
    return "sandbox:stripe:cs:" + sessionId;
  }

  /** The sandbox accepts test keys only; a live key is refused outright. */
  static void checkKey(String authorization) {
    String key = authorization != null && authorization.startsWith("Bearer ") ? authorization.substring(7).trim() : "";
    if (key.startsWith("sk_live_") || key.startsWith("rk_live_")) {
      throw new SandboxError(401, "invalid_request_error", "live_key_refused",
          "The genpay Stripe sandbox never accepts a live key.");
    }
    if (!key.startsWith("sk_test_") && !key.startsWith("rk_test_")) {
      throw new SandboxError(401, "invalid_request_error", "api_key_invalid",
          "Invalid API Key provided: the sandbox takes a test key (sk_test_...).");
    }
  }

  public Future<JsonObject> createSession(Map<String, String> form, String idempotencyKey) {
    String mode = form.getOrDefault("mode", "");
    if (!"payment".equals(mode)) {
      throw SandboxError.invalid("parameter_invalid_string", "The sandbox supports mode=payment only.");
    }
    String price = form.getOrDefault("line_items[0][price]", "");
    if (!settings.stripePriceId().equals(price)) {
      throw SandboxError.missing("price", price);
    }
    long quantity = parseQuantity(form.getOrDefault("line_items[0][quantity]", "1"));
    String successUrl = required(form, "success_url");
    String cancelUrl = required(form, "cancel_url");
    long now = clock.millis() / 1000;
    String id = SandboxIds.next("cs_test_", 58);
    JsonObject metadata = new JsonObject();
    form.forEach((name, value) -> {
      if (name.startsWith("metadata[") && name.endsWith("]")) {
        metadata.put(name.substring(9, name.length() - 1), value);
      }
    });
    JsonObject body = new JsonObject()
        .put("id", id)
        .put("object", "checkout.session")
        .put("amount_subtotal", settings.priceAmount() * quantity)
        .put("amount_total", settings.priceAmount() * quantity)
        .put("currency", settings.priceCurrency())
        .put("cancel_url", cancelUrl)
        .put("success_url", successUrl)
        .put("client_reference_id", form.get("client_reference_id"))
        .put("created", now)
        .put("expires_at", now + OPEN_SECONDS)
        .put("livemode", false)
        .put("metadata", metadata)
        .put("mode", "payment")
        .put("quantity", quantity)
        .put("url", settings.appUrl() + PREFIX + "/pay/" + id);
    // One script stores the session and claims the key: a create whose answer is lost (a timeout, a crash)
    // leaves both or neither, and the retry with the same key gets the session, like Stripe.
    boolean idempotent = idempotencyKey != null && !idempotencyKey.isEmpty();
    List<String> keys = idempotent ? List.of(key(id), idempotencyKey(idempotencyKey)) : List.of(key(id));
    return CREATE.run(redis, keys, List.of(id, body.encode(), String.valueOf(TTL_SECONDS), fingerprint(form)))
        .compose(created -> {
          if (created.get(0).toInteger() < 0) {
            throw new SandboxError(400, "idempotency_error", null, "Keys for idempotent requests can only be used"
                + " with the same parameters they were first used with. Try using a key other than '"
                + idempotencyKey + "' if you meant to execute a different request.");
          }
          return retrieve(created.get(1).toString());
        });
  }

  static String idempotencyKey(String key) {
    return "sandbox:stripe:idempotency:" + key;
  }

  /** The request's parameters, whatever their order: a key reused with other parameters is refused, like Stripe. */
  static String fingerprint(Map<String, String> form) {
    StringBuilder canonical = new StringBuilder();
    new TreeMap<>(form).forEach((name, value) -> canonical.append(name.length()).append(':').append(name)
        .append(value.length()).append(':').append(value));
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public Future<JsonObject> retrieve(String sessionId) {
    return send(Request.cmd(Command.HGETALL).arg(key(sessionId))).map(fields -> {
      if (fields == null || fields.size() == 0) {
        throw SandboxError.missing("checkout.session", sessionId);
      }
      return render(fields);
    });
  }

  /** Pay or decline from the hosted page. Declined leaves the session complete but unpaid, like a failed async payment. */
  public Future<JsonObject> complete(String sessionId, String outcome) {
    boolean paid = "paid".equals(outcome);
    if (!paid && !"declined".equals(outcome)) {
      throw SandboxError.invalid("parameter_invalid_string", "outcome must be paid or declined");
    }
    String paymentIntent = SandboxIds.next("pi_test_", 24);
    return move(sessionId, "complete", paid ? "paid" : "unpaid", paymentIntent,
        "This Checkout Session is no longer open.");
  }

  public Future<JsonObject> expire(String sessionId) {
    return move(sessionId, "expired", "unpaid", "",
        "Only Checkout Sessions with a status in [open] can be expired.");
  }

  public Future<JsonObject> refund(Map<String, String> form) {
    String paymentIntent = form.getOrDefault("payment_intent", "");
    if (paymentIntent.isEmpty()) {
      throw SandboxError.invalid("parameter_missing", "Missing required param: payment_intent.");
    }
    long amount = form.containsKey("amount") ? parseQuantity(form.get("amount")) : 0L;
    return Future.succeededFuture(new JsonObject()
        .put("id", SandboxIds.next("re_test_", 24)).put("object", "refund")
        .put("amount", amount).put("currency", settings.priceCurrency())
        .put("payment_intent", paymentIntent).put("status", "succeeded")
        .put("created", clock.millis() / 1000));
  }

  private Future<JsonObject> move(String sessionId, String status, String paymentStatus, String paymentIntent,
                                  String refusal) {
    return MOVE.run(redis, List.of(key(sessionId)), List.of(status, paymentStatus, paymentIntent))
        .compose(moved -> {
          int result = moved.toInteger();
          if (result < 0) {
            throw SandboxError.missing("checkout.session", sessionId);
          }
          if (result == 0) {
            throw SandboxError.invalid("checkout_session_not_open", refusal);
          }
          return retrieve(sessionId);
        });
  }

  private static JsonObject render(Response fields) {
    JsonObject session = new JsonObject(fields.get("body").toString());
    String paymentIntent = fields.get("payment_intent").toString();
    return session
        .put("status", fields.get("status").toString())
        .put("payment_status", fields.get("payment_status").toString())
        .put("payment_intent", paymentIntent.isEmpty() ? null : paymentIntent);
  }

  private Future<Response> send(Request request) {
    return RedisClients.send(redis, request);
  }

  private static String required(Map<String, String> form, String name) {
    String value = form.get(name);
    if (value == null || value.isEmpty()) {
      throw SandboxError.invalid("parameter_missing", "Missing required param: " + name + ".");
    }
    return value;
  }

  private static long parseQuantity(String raw) {
    try {
      long value = Long.parseLong(raw);
      if (value < 1) {
        throw new NumberFormatException();
      }
      return value;
    } catch (NumberFormatException e) {
      throw SandboxError.invalid("parameter_invalid_integer", "Invalid integer: " + raw);
    }
  }
}
