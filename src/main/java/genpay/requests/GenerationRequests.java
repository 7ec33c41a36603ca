package genpay.requests;

import genpay.config.Addresses;
import genpay.redis.JobsQueued;
import genpay.config.BusFailure;
import genpay.config.BusReplies;
import genpay.stripe.RequestCheckoutCommand;
import genpay.web.InvalidInput;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.Set;
import java.util.Map;

/**
 * Generation requests on the API side (DESIGN.md section 16): the request for a hostname and provider is found or
 * made; a paid one carries a payment link that is reused while its Checkout Session is open, renewed once it
 * expired, and honoured once it is paid. {@link #apply} is the one function that applies what Stripe says of a
 * session: the webhook, the next POST and a watching page all call it, and the paid script queues the request once.
 */
public final class GenerationRequests {

  private static final Logger LOG = LoggerFactory.getLogger(GenerationRequests.class);
  private static final DeliveryOptions STRIPE_CALL = new DeliveryOptions().setSendTimeout(30_000);
  /** The calculation reads a sitemap for at most 15 s; a little more for the fetches around it. */
  private static final DeliveryOptions CALCULATION = new DeliveryOptions().setSendTimeout(25_000);

  private final EventBus bus;
  private final RequestStore store;
  private final boolean allowPrivateSites;
  private final Set<String> providers;

  public GenerationRequests(EventBus bus, RequestStore store, boolean allowPrivateSites, Set<String> providers) {
    this.bus = bus;
    this.store = store;
    this.allowPrivateSites = allowPrivateSites;
    this.providers = Set.copyOf(providers);
  }

  /** {@code {hostname, provider, locale?}} → {@code {created, request}}; 400 for bad input, changing nothing. */
  public Future<JsonObject> submit(JsonObject body) {
    SubmitRequest request;
    try {
      request = SubmitRequest.parse(body, allowPrivateSites, providers);
    } catch (InvalidInput invalid) {
      return BusReplies.failure(BusFailure.BAD_REQUEST, invalid.getMessage());
    }
    String hostname = request.hostname();
    String provider = request.provider();
    String locale = request.locale();
    return store.open(hostname, provider).compose(open -> open != null
        ? continueWith(open, false)
        : calculate(hostname).compose(calculation -> create(hostname, provider, locale, calculation)));
  }

  private Future<JsonObject> calculate(String hostname) {
    return bus.<JsonObject>request(Addresses.SITES_CALCULATE, new JsonObject().put("hostname", hostname), CALCULATION)
        .map(Message::body);
  }

  private Future<JsonObject> create(String hostname, String provider, String locale, JsonObject calculation) {
    JsonObject prices = calculation.getJsonObject("prices", new JsonObject());
    if (!(prices.getValue(provider) instanceof JsonObject price)) {
      return BusReplies.failure(BusFailure.BAD_REQUEST, "Unknown provider " + provider + "; this engine offers "
          + String.join(", ", prices.fieldNames()) + ".");
    }
    long cents = price.getBoolean("paid", false) ? cents(price.getValue("total")) : 0;
    String currency = price.getString("currency", "eur").toLowerCase(Locale.ROOT);
    long urlCount = calculation.getLong("urlCount", 0L);
    String id = RequestKeys.newId(store.shards(), hostname, provider);
    return store.create(id, hostname, provider, cents, currency, urlCount, locale)
        .compose(created -> {
          if (created.changed()) {
            LOG.info("request {}: {} for {} ({} URLs), {}", created.fields().get("id"), provider, hostname, urlCount,
                cents > 0 ? "awaiting payment of " + cents + " " + currency : "free, queued");
            if (cents == 0) {
              queued(id);
            }
            publish(created.fields());
          }
          return continueWith(created.fields(), created.changed());
        });
  }

  /** Total in major units → cents, as the calculation rounded it. */
  static long cents(Object total) {
    if (!(total instanceof Number number)) {
      return 0;
    }
    return new BigDecimal(number.toString()).movePointRight(2).setScale(0, RoundingMode.HALF_UP).longValueExact();
  }

  /**
   * The request as found or made: a paid one awaiting payment gets its link made good first (see {@link #link}).
   */
  private Future<JsonObject> continueWith(Map<String, String> fields, boolean created) {
    Future<Map<String, String>> current = RequestSnapshot.AWAITING_PAYMENT.equals(fields.get("status"))
        ? link(fields) : Future.succeededFuture(fields);
    return current.map(now -> new JsonObject().put("created", created).put("request", RequestSnapshot.of(now)));
  }

  /**
   * The payment link of a request awaiting payment: none yet → a session is opened; otherwise Stripe is asked.
   * Open → the same link; expired → a new session; complete and paid → the request is marked paid and queued.
   */
  private Future<Map<String, String>> link(Map<String, String> fields) {
    String sessionId = fields.getOrDefault("sessionId", "");
    if (sessionId.isEmpty()) {
      return openCheckout(fields, "");
    }
    return bus.<JsonObject>request(Addresses.STRIPE_CHECKOUT_RETRIEVE, new JsonObject().put("sessionId", sessionId),
            STRIPE_CALL)
        .map(Message::body)
        .compose(session -> switch (session.getString("status", "")) {
          case "expired" -> openCheckout(fields, sessionId);
          case "complete" -> apply(session).compose(applied -> store.read(fields.get("id")));
          default -> Future.succeededFuture(fields);
        });
  }

  /**
   * Opens the request's next Checkout Session. Its Idempotency-Key counts the request's sessions, so callers that
   * found the same state at once get the same session from Stripe; the store keeps it in place of the one found.
   */
  private Future<Map<String, String>> openCheckout(Map<String, String> fields, String previousSessionId) {
    String id = fields.get("id");
    RequestCheckoutCommand command = new RequestCheckoutCommand(id, fields.get("hostname"), fields.get("provider"),
        Long.parseLong(fields.getOrDefault("total", "0")), Long.parseLong(fields.get("amount")), fields.get("currency"),
        fields.getOrDefault("locale", "en"), "genreq-" + id + "-checkout-" + fields.getOrDefault("checkouts", "0"));
    return bus.<JsonObject>request(Addresses.STRIPE_REQUEST_CHECKOUT_CREATE, command.toJson(), STRIPE_CALL)
        .map(Message::body)
        .compose(session -> store.checkout(id, previousSessionId, session.getString("sessionId"),
                session.getString("url"))
            .compose(stored -> {
              if (stored.changed()) {
                LOG.info("request {}: payment link {} ({})", id, session.getString("sessionId"),
                    previousSessionId.isEmpty() ? "first" : "the previous one expired");
                publish(stored.fields());
                return Future.succeededFuture(stored.fields());
              }
              if (stored.unknown()) {
                return BusReplies.failure(BusFailure.NOT_FOUND, "No generation request " + id + ".");
              }
              String kept = stored.fields().getOrDefault("sessionId", "");
              if (!kept.equals(session.getString("sessionId"))
                  && RequestSnapshot.AWAITING_PAYMENT.equals(stored.fields().get("status"))) {
                // Another caller stored another session first: nobody must pay this one.
                expire(id, session.getString("sessionId"));
              }
              return Future.succeededFuture(stored.fields());
            }));
  }

  private void expire(String id, String sessionId) {
    bus.request(Addresses.STRIPE_CHECKOUT_EXPIRE, new JsonObject().put("sessionId", sessionId), STRIPE_CALL)
        .onFailure(failure -> LOG.warn("request {}: session {} not expired: {}", id, sessionId, failure.getMessage()));
  }

  /**
   * Applies a request's Checkout Session as Stripe gives it (raw JSON): paid → the request queued, once.
   * Replies {@code {outcome: queued|already|waiting|unknown|mismatch}}.
   */
  public Future<JsonObject> apply(JsonObject session) {
    JsonObject metadata = session.getValue("metadata") instanceof JsonObject json ? json : new JsonObject();
    String id = metadata.getString("generationRequestId");
    if (!RequestCheckoutCommand.KIND.equals(metadata.getString("kind")) || !RequestIds.valid(id)) {
      return outcome("unknown");
    }
    String paymentStatus = session.getString("payment_status", "");
    if (!"complete".equals(session.getString("status")) || !"paid".equals(paymentStatus)) {
      return outcome("waiting");
    }
    Object total = session.getValue("amount_total");
    long paid = total instanceof Number number ? number.longValue() : -1;
    String currency = session.getString("currency", "");
    String paymentIntent = session.getValue("payment_intent") instanceof String intent ? intent : "";
    return store.paid(id, session.getString("id"), paymentIntent, paid, currency).map(done -> {
      switch (done.code()) {
        case 1 -> {
          LOG.info("request {}: paid (session {}), queued", id, session.getString("id"));
          queued(id);
          publish(done.fields());
          return new JsonObject().put("outcome", "queued");
        }
        case -1 -> {
          return new JsonObject().put("outcome", "unknown");
        }
        case -2 -> {
          LOG.warn("request {}: session {} paid {} {}, not the request's amount: not queued", id,
              session.getString("id"), paid, currency);
          return new JsonObject().put("outcome", "mismatch");
        }
        default -> {
          return new JsonObject().put("outcome", "already");
        }
      }
    });
  }

  /** Asks Stripe about a request awaiting payment, and applies what it says. */
  public Future<JsonObject> sync(String id) {
    return store.read(id).compose(fields -> {
      String sessionId = fields.getOrDefault("sessionId", "");
      if (!RequestSnapshot.AWAITING_PAYMENT.equals(fields.get("status")) || sessionId.isEmpty()) {
        return outcome("unchanged");
      }
      return bus.<JsonObject>request(Addresses.STRIPE_CHECKOUT_RETRIEVE, new JsonObject().put("sessionId", sessionId),
              STRIPE_CALL)
          .compose(reply -> apply(reply.body()));
    });
  }

  public Future<JsonObject> get(String id) {
    return store.read(id).compose(fields -> fields.isEmpty()
        ? BusReplies.failure(BusFailure.NOT_FOUND, "No generation request " + id + ".")
        : Future.succeededFuture(RequestSnapshot.of(fields)));
  }

  /** {@code {request, document?}}: the document once the request completed. */
  public Future<JsonObject> result(String id) {
    return get(id).compose(request -> RequestSnapshot.COMPLETED.equals(request.getString("status"))
        ? store.result(id).map(document -> document == null ? new JsonObject().put("request", request)
            : new JsonObject().put("request", request).put("document", document))
        : Future.succeededFuture(new JsonObject().put("request", request)));
  }

  /** One change of a request, cluster-wide, as GET shows it. */
  /** Wakes the request workers of every node for the request's shard. */
  private void queued(String id) {
    bus.publish(Addresses.JOBS_QUEUED, JobsQueued.requests(store.shards().of(id)));
  }

  void publish(Map<String, String> fields) {
    bus.publish(Addresses.REQUESTS_CHANGED, RequestSnapshot.of(fields));
  }

  /** True when Stripe refused for good (another try would be refused too). */
  static boolean refusedForGood(Throwable failure) {
    return failure instanceof ReplyException reply
        && (reply.failureCode() == BusFailure.BAD_GATEWAY || reply.failureCode() == BusFailure.NOT_FOUND);
  }

  private static Future<JsonObject> outcome(String outcome) {
    return Future.succeededFuture(new JsonObject().put("outcome", outcome));
  }
}
