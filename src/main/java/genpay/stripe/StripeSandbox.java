package genpay.stripe;

import genpay.config.Settings;
import genpay.redis.LuaScript;
import genpay.redis.RedisClients;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
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
  private static final LuaScript REFUND = LuaScript.fromResources("/lua/sandbox_refund_create.lua");
  private static final long TTL_SECONDS = TimeUnit.DAYS.toSeconds(2);
  private static final long OPEN_SECONDS = TimeUnit.HOURS.toSeconds(24);

  private final Redis redis;
  private final Settings settings;
  private final Clock clock;
  private final SandboxStore store;
  private final SandboxPrices prices;

  public StripeSandbox(Redis redis, Settings settings, Clock clock) {
    this.redis = redis;
    this.settings = settings;
    this.clock = clock;
    this.store = new SandboxStore(redis);
    this.prices = new SandboxPrices(settings.credits());
  }

  /** The billing half (customers, subscriptions, invoices, clocks) over the same Redis, sending to {@code events}. */
  SandboxBilling billing(java.util.function.Consumer<List<BillingSteps.Event>> events) {
    return new SandboxBilling(store, prices, settings.appUrl(), clock, events);
  }

  /** A Checkout Session, under its shard's tag (SandboxIds: minted near its customer or its Idempotency-Key). */
  static String key(String sessionId) {
    return "sandbox:stripe:cs:" + SandboxIds.tag(sessionId) + ":" + sessionId;
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
    if ("subscription".equals(mode)) {
      return createSubscriptionSession(form, idempotencyKey);
    }
    if (!"payment".equals(mode)) {
      throw SandboxError.invalid("parameter_invalid_string", "The sandbox supports mode=payment and mode=subscription.");
    }
    LinePrice line = linePrice(form);
    long quantity = parseQuantity(form.getOrDefault("line_items[0][quantity]", "1"));
    String successUrl = required(form, "success_url");
    String cancelUrl = required(form, "cancel_url");
    long now = clock.millis() / 1000;
    String id = SandboxIds.near(idempotencyKey, "cs_test_", 58);
    JsonObject metadata = FormNumbers.metadata(form, "metadata");
    JsonObject body = new JsonObject()
        .put("id", id)
        .put("object", "checkout.session")
        .put("amount_subtotal", line.unitAmount() * quantity)
        .put("amount_total", line.unitAmount() * quantity)
        .put("currency", line.currency())
        .put("cancel_url", cancelUrl)
        .put("success_url", successUrl)
        .put("client_reference_id", form.get("client_reference_id"))
        .put("customer_email", form.get("customer_email"))
        .put("created", now)
        .put("expires_at", now + OPEN_SECONDS)
        .put("livemode", false)
        .put("metadata", metadata)
        .put("mode", "payment")
        .put("quantity", quantity)
        .put("url", settings.appUrl() + PREFIX + "/pay/" + id);
    return store(id, body, form, idempotencyKey);
  }

  /**
   * Checkout for a plan price, for an existing customer: paid on the pay page, it starts the subscription
   * (see {@link SandboxBilling#completeCheckout}).
   */
  private Future<JsonObject> createSubscriptionSession(Map<String, String> form, String idempotencyKey) {
    String priceId = form.getOrDefault("line_items[0][price]", "");
    JsonObject price = prices.find(priceId);
    if (price == null) {
      throw SandboxError.missing("price", priceId);
    }
    if (parseQuantity(form.getOrDefault("line_items[0][quantity]", "1")) != 1) {
      throw SandboxError.invalid("parameter_invalid_integer", "The sandbox sells one of a plan (quantity 1).");
    }
    String customer = required(form, "customer");
    String successUrl = required(form, "success_url");
    String cancelUrl = required(form, "cancel_url");
    long now = clock.millis() / 1000;
    // In its customer's shard: paying it starts the subscription in one change with the customer's objects.
    String id = SandboxIds.near(customer, "cs_test_", 58);
    JsonObject body = new JsonObject()
        .put("id", id)
        .put("object", "checkout.session")
        .put("amount_subtotal", price.getLong("unit_amount"))
        .put("amount_total", price.getLong("unit_amount"))
        .put("currency", price.getString("currency"))
        .put("cancel_url", cancelUrl)
        .put("success_url", successUrl)
        .put("client_reference_id", form.get("client_reference_id"))
        .put("customer", customer)
        .put("customer_email", null)
        .put("created", now)
        .put("expires_at", now + OPEN_SECONDS)
        .put("invoice", null)
        .put("livemode", false)
        .put("metadata", FormNumbers.metadata(form, "metadata"))
        .put("mode", "subscription")
        .put("subscription", null)
        .put("url", settings.appUrl() + PREFIX + "/pay/" + id)
        .put(BillingSteps.INTERNAL, new JsonObject().put("price", priceId)
            .put("subscription_metadata", FormNumbers.metadata(form, "subscription_data[metadata]")));
    return store.read(SandboxStore.customer(customer)).compose(read -> {
      if (!read.exists()) {
        throw SandboxError.missing("customer", customer);
      }
      return store(id, body, form, idempotencyKey);
    });
  }

  private Future<JsonObject> store(String id, JsonObject body, Map<String, String> form, String idempotencyKey) {
    // One script stores the session and claims the key: a create whose answer is lost (a timeout, a crash)
    // leaves both or neither, and the retry with the same key gets the session, like Stripe.
    boolean idempotent = idempotencyKey != null && !idempotencyKey.isEmpty();
    // The key's claim under the session's tag: a retry mints its session in the same shard (near the same key or
    // customer), so it finds the claim.
    List<String> keys = idempotent ? List.of(key(id), idempotencyKey(SandboxIds.tag(id), idempotencyKey))
        : List.of(key(id));
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

  private record LinePrice(long unitAmount, String currency) {
  }

  /**
   * The configured price by id, or an ad-hoc {@code price_data} (credits packages): unit_amount and currency,
   * with a product name, as Stripe requires.
   */
  private LinePrice linePrice(Map<String, String> form) {
    String dataPrefix = "line_items[0][price_data]";
    if (!form.containsKey("line_items[0][price]") && form.containsKey(dataPrefix + "[unit_amount]")) {
      long unitAmount;
      try {
        unitAmount = Long.parseLong(form.get(dataPrefix + "[unit_amount]"));
      } catch (NumberFormatException e) {
        unitAmount = -1;
      }
      if (unitAmount < 1) {
        throw SandboxError.invalid("parameter_invalid_integer",
            "Invalid integer: " + form.get(dataPrefix + "[unit_amount]"));
      }
      String currency = form.getOrDefault(dataPrefix + "[currency]", "");
      if (!currency.matches("^[a-z]{3}$")) {
        throw SandboxError.invalid("parameter_missing", "Missing required param: line_items[0][price_data][currency].");
      }
      required(form, dataPrefix + "[product_data][name]");
      return new LinePrice(unitAmount, currency);
    }
    String price = form.getOrDefault("line_items[0][price]", "");
    if (!settings.stripePriceId().equals(price)) {
      throw SandboxError.missing("price", price);
    }
    return new LinePrice(settings.priceAmount(), settings.priceCurrency());
  }

  /** An Idempotency-Key's claim, under the tag of the object the request is about (one tag per script). */
  static String idempotencyKey(String tag, String key) {
    return "sandbox:stripe:idempotency:" + tag + ":" + key;
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

  /**
   * Pay or decline from the hosted page, with the e-mail the payer typed ('' for none). Declined leaves the
   * session complete but unpaid, like a failed async payment. Paid makes its payment intent and charge.
   */
  public Future<JsonObject> complete(String sessionId, String outcome, String email) {
    boolean paid = "paid".equals(outcome);
    if (!paid && !"declined".equals(outcome)) {
      throw SandboxError.invalid("parameter_invalid_string", "outcome must be paid or declined");
    }
    String paymentIntent = SandboxIds.near(sessionId, "pi_test_", 24);
    return move(sessionId, "complete", paid ? "paid" : "unpaid", paymentIntent, email == null ? "" : email.trim(),
        "This Checkout Session is no longer open.");
  }

  /** A 3-D Secure card typed on the pay page, held on the session until the payer authorizes or fails. */
  Future<Void> holdForAuthentication(String sessionId, String card, String email) {
    return send(Request.cmd(Command.HSET).arg(key(sessionId)).arg("pending_card").arg(card)
        .arg("pending_email").arg(email == null ? "" : email)).mapEmpty();
  }

  /** The held card and e-mail ({@code [card, email]}, null when none), taken off the session. */
  Future<List<String>> takeAuthentication(String sessionId, boolean take) {
    return send(Request.cmd(Command.HMGET).arg(key(sessionId)).arg("pending_card").arg("pending_email"))
        .compose(held -> {
          if (held.get(0) == null || held.get(0).toString().isEmpty()) {
            return Future.succeededFuture(null);
          }
          List<String> pending = List.of(held.get(0).toString(), held.get(1) == null ? "" : held.get(1).toString());
          return take ? send(Request.cmd(Command.HDEL).arg(key(sessionId)).arg("pending_card").arg("pending_email"))
              .map(done -> pending) : Future.succeededFuture(pending);
        });
  }

  public Future<JsonObject> expire(String sessionId) {
    return move(sessionId, "expired", "unpaid", "", "",
        "Only Checkout Sessions with a status in [open] can be expired.");
  }

  /** A refund that was made (or found again by its Idempotency-Key), and whether this call made it. */
  public record Refunded(JsonObject refund, boolean created) {
  }

  /**
   * POST /v1/refunds: against a paid payment intent, never more than is left of what was paid; the same
   * Idempotency-Key answers the same refund.
   */
  public Future<Refunded> refund(Map<String, String> form, String idempotencyKey) {
    String paymentIntent = form.getOrDefault("payment_intent", "");
    if (paymentIntent.isEmpty()) {
      throw SandboxError.invalid("parameter_missing", "Missing required param: payment_intent.");
    }
    String amount = form.containsKey("amount") ? String.valueOf(parseQuantity(form.get("amount"))) : "";
    JsonObject metadata = new JsonObject();
    form.forEach((name, value) -> {
      if (name.startsWith("metadata[") && name.endsWith("]")) {
        metadata.put(name.substring(9, name.length() - 1), value);
      }
    });
    String id = SandboxIds.near(paymentIntent, "re_test_", 24);
    boolean idempotent = idempotencyKey != null && !idempotencyKey.isEmpty();
    List<String> keys = new java.util.ArrayList<>(List.of(paymentIntentKey(paymentIntent), refundKey(id),
        refundsKey(paymentIntent)));
    if (idempotent) {
      keys.add(idempotencyKey(SandboxIds.tag(paymentIntent), "refund:" + idempotencyKey));
    }
    return REFUND.run(redis, keys, List.of(id, amount, metadata.encode(), String.valueOf(clock.millis() / 1000),
            String.valueOf(TTL_SECONDS), paymentIntent))
        .compose(made -> {
          int result = made.get(0).toInteger();
          if (result == -1) {
            throw SandboxError.missing("payment_intent", paymentIntent);
          }
          if (result == -2) {
            throw SandboxError.invalid("amount_too_large", "Refund amount is greater than what is left to refund ("
                + made.get(1).toLong() + ").");
          }
          return refundJson(made.get(1).toString()).map(refund -> new Refunded(refund, result == 1));
        });
  }

  /** The charge behind a payment intent, with its refunds listed, as charge.refunded carries it. */
  public Future<JsonObject> charge(String paymentIntent) {
    return send(Request.cmd(Command.HGETALL).arg(paymentIntentKey(paymentIntent)))
        .compose(intent -> send(Request.cmd(Command.LRANGE).arg(refundsKey(paymentIntent)).arg(0).arg(-1))
            .compose(ids -> {
              List<Future<JsonObject>> refunds = new java.util.ArrayList<>();
              ids.forEach(id -> refunds.add(refundJson(id.toString())));
              return Future.all(refunds).map(all -> {
                JsonArray data = new JsonArray();
                refunds.forEach(refund -> data.add(refund.result()));
                long amount = intent.get("amount").toLong();
                long refunded = intent.get("refunded").toLong();
                return new JsonObject().put("id", intent.get("charge").toString()).put("object", "charge")
                    .put("amount", amount).put("amount_captured", amount).put("amount_refunded", refunded)
                    .put("currency", intent.get("currency").toString()).put("payment_intent", paymentIntent)
                    .put("paid", true).put("refunded", refunded >= amount).put("status", "succeeded")
                    .put("refunds", new JsonObject().put("object", "list").put("data", data)
                        .put("has_more", false).put("total_count", data.size()));
              });
            }));
  }

  private Future<JsonObject> refundJson(String id) {
    return send(Request.cmd(Command.HGETALL).arg(refundKey(id))).map(fields -> new JsonObject()
        .put("id", id).put("object", "refund")
        .put("amount", fields.get("amount").toLong())
        .put("currency", fields.get("currency").toString())
        .put("charge", fields.get("charge").toString())
        .put("payment_intent", fields.get("payment_intent").toString())
        .put("metadata", new JsonObject(fields.get("metadata").toString()))
        .put("status", fields.get("status").toString())
        .put("created", fields.get("created").toLong()));
  }

  private static String paymentIntentKey(String id) {
    return SandboxStore.paymentIntent(id);
  }

  /** A refund, minted in its payment intent's shard. */
  private static String refundKey(String id) {
    return "sandbox:stripe:re:" + SandboxIds.tag(id) + ":" + id;
  }

  static String refundsKey(String paymentIntent) {
    return "sandbox:stripe:refunds:" + SandboxIds.tag(paymentIntent) + ":" + paymentIntent;
  }

  private Future<JsonObject> move(String sessionId, String status, String paymentStatus, String paymentIntent,
                                  String email, String refusal) {
    boolean paid = "paid".equals(paymentStatus);
    List<String> keys = paid ? List.of(key(sessionId), paymentIntentKey(paymentIntent)) : List.of(key(sessionId));
    return MOVE.run(redis, keys, List.of(status, paymentStatus, paid ? paymentIntent : "", email,
            SandboxIds.next("ch_test_", 24), String.valueOf(TTL_SECONDS)))
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
    JsonObject session = BillingSteps.render(new JsonObject(fields.get("body").toString()));
    if ("subscription".equals(session.getString("mode"))) {
      Response subscription = fields.get("subscription");
      Response invoice = fields.get("invoice");
      session.put("subscription", subscription == null ? null : subscription.toString())
          .put("invoice", invoice == null ? null : invoice.toString());
    }
    String paymentIntent = fields.get("payment_intent").toString();
    Response typed = fields.get("email");
    String status = fields.get("status").toString();
    // The e-mail typed on the pay page, else the one given at creation: Stripe shows either once paid.
    String email = typed != null && !typed.toString().isEmpty() ? typed.toString()
        : "complete".equals(status) ? session.getString("customer_email") : null;
    return session
        .put("customer_details", email == null || email.isEmpty() ? null : new JsonObject().put("email", email))
        .put("status", status)
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
