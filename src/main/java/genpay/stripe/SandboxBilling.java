package genpay.stripe;

import genpay.stripe.BillingSteps.Event;
import genpay.stripe.BillingSteps.Step;
import genpay.stripe.SandboxStore.Change;
import genpay.stripe.SandboxStore.Versioned;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The sandbox's Stripe Billing: customers, their test clocks, payment methods, subscriptions, invoices and
 * portal sessions, in Redis. Every change is one atomic {@link Change} naming the versions it was computed
 * from; a change that lost a race is computed again from what won.
 */
final class SandboxBilling {

  private static final Logger LOG = LoggerFactory.getLogger(SandboxBilling.class);
  private static final int ATTEMPTS = 5;
  /** An advance that has not finished in this long is taken to have died with its node. */
  private static final long STALE_ADVANCE_MS = 120_000;
  private static final long CLOCK_LIFETIME = 30 * BillingPeriods.DAY;

  private final SandboxStore store;
  private final SandboxPrices prices;
  private final BillingSteps steps;
  private final Clock clock;
  private final String appUrl;
  private final Consumer<List<Event>> events;

  SandboxBilling(SandboxStore store, SandboxPrices prices, String appUrl, Clock clock,
                 Consumer<List<Event>> events) {
    this.store = store;
    this.prices = prices;
    this.steps = new BillingSteps(appUrl);
    this.clock = clock;
    this.appUrl = appUrl;
    this.events = events;
  }

  SandboxPrices prices() {
    return prices;
  }

  /** A change computed from state that moved before it landed: computed again. */
  private static final class Conflict extends RuntimeException {
    Conflict() {
      super(null, null, false, false);
    }
  }

  private static <T> Future<T> retried(Supplier<Future<T>> attempt, int left) {
    return attempt.get().recover(failure -> failure instanceof Conflict && left > 1
        ? retried(attempt, left - 1) : Future.failedFuture(failure));
  }

  private Future<Void> commit(Change change) {
    return store.commit(change).compose(failed -> failed == 0 ? Future.succeededFuture() : Future.failedFuture(new Conflict()));
  }

  private long realNow() {
    return clock.millis() / 1000;
  }

  // ---- prices

  Future<JsonObject> price(String id) {
    JsonObject price = prices.find(id);
    return price != null ? Future.succeededFuture(price) : Future.failedFuture(SandboxError.missing("price", id));
  }

  // ---- test clocks

  /** {@code owner}: an Idempotency-Key to mint it near (a retried create makes its clock in the same shard), or null. */
  private JsonObject newClock(long frozenTime, String name, String owner) {
    long now = realNow();
    return new JsonObject()
        .put("id", SandboxIds.near(owner, "clock_", 24))
        .put("object", "test_helpers.test_clock")
        .put("created", now)
        .put("deletes_after", now + CLOCK_LIFETIME)
        .put("frozen_time", frozenTime)
        .put("livemode", false)
        .put("name", name)
        .put("status", "ready")
        .put("status_details", new JsonObject());
  }

  Future<JsonObject> createClock(Map<String, String> form) {
    long frozen = FormNumbers.epoch(form, "frozen_time", true);
    JsonObject made = newClock(frozen, form.getOrDefault("name", null), null);
    return commit(new Change().create(SandboxStore.clock(made.getString("id")), made))
        .map(done -> BillingSteps.render(made));
  }

  Future<JsonObject> retrieveClock(String id) {
    return store.read(SandboxStore.clock(id)).map(read -> {
      if (!read.exists()) {
        throw SandboxError.missing("test_helpers.test_clock", id);
      }
      return BillingSteps.render(read.json());
    });
  }

  /**
   * Moves the clock to {@code frozen_time} and answers it {@code advancing}; then, in the background, every
   * event due on its customers' subscriptions happens in time order, and the clock is {@code ready} again.
   * A second advance while one runs is refused, as Stripe does.
   */
  Future<JsonObject> advanceClock(String id, Map<String, String> form) {
    long target = FormNumbers.epoch(form, "frozen_time", false);
    String key = SandboxStore.clock(id);
    return store.read(key).compose(read -> {
      if (!read.exists()) {
        throw SandboxError.missing("test_helpers.test_clock", id);
      }
      JsonObject clockJson = read.json().copy();
      long since = BillingSteps.internal(clockJson).getLong("advancing_since", 0L);
      if ("advancing".equals(clockJson.getString("status")) && clock.millis() - since < STALE_ADVANCE_MS) {
        throw SandboxError.invalid("test_clock_advancing", "The test clock " + id + " is advancing; wait until it is ready.");
      }
      if (target <= clockJson.getLong("frozen_time")) {
        throw SandboxError.invalid("parameter_invalid_integer",
            "frozen_time must be later than the test clock's current frozen_time (" + clockJson.getLong("frozen_time") + ").");
      }
      clockJson.put("status", "advancing").put("frozen_time", target);
      BillingSteps.internal(clockJson).put("advancing_since", clock.millis());
      return store.commit(new Change().replace(key, read, clockJson)).map(failed -> {
        if (failed != 0) {
          throw SandboxError.invalid("test_clock_advancing", "The test clock " + id + " is advancing; wait until it is ready.");
        }
        runClock(id, target)
            .recover(failure -> {
              LOG.warn("stripe sandbox: test clock {} failed to advance: {}", id, failure.toString());
              return finishClock(id, "internal_failure");
            })
            .onSuccess(ready -> {
              if ("ready".equals(ready.getString("status"))) {
                events.accept(List.of(new Event("test_helpers.test_clock.ready", ready)));
              }
            });
        return BillingSteps.render(clockJson);
      });
    });
  }

  /** Processes the earliest due event across the clock's subscriptions, then the next, until none is due. */
  private Future<JsonObject> runClock(String clockId, long target) {
    return clockSubscriptions(clockId).compose(subscriptions -> {
      Versioned next = null;
      for (Versioned sub : subscriptions) {
        long due = BillingSteps.due(sub.json());
        if (due <= target && (next == null || due < BillingSteps.due(next.json()))) {
          next = sub;
        }
      }
      if (next == null) {
        return finishClock(clockId, "ready");
      }
      return dueStep(next).recover(failure -> failure instanceof Conflict ? Future.succeededFuture()
          : Future.failedFuture(failure)).compose(done -> runClock(clockId, target));
    });
  }

  private Future<JsonObject> finishClock(String id, String status) {
    String key = SandboxStore.clock(id);
    return retried(() -> store.read(key).compose(read -> {
      JsonObject done = read.json().copy().put("status", status);
      BillingSteps.internal(done).remove("advancing_since");
      return commit(new Change().replace(key, read, done)).map(ok -> BillingSteps.render(done));
    }), ATTEMPTS);
  }

  private Future<List<Versioned>> clockSubscriptions(String clockId) {
    return store.list(SandboxStore.clockCustomers(clockId))
        .compose(customers -> Future.all(customers.stream()
                .map(customer -> store.list(SandboxStore.customerSubscriptions(customer))).toList())
            .map(all -> {
              List<String> keys = new ArrayList<>();
              for (int i = 0; i < all.size(); i++) {
                List<String> ids = all.resultAt(i);
                ids.forEach(sub -> keys.add(SandboxStore.subscription(sub)));
              }
              return keys;
            }))
        .compose(store::readAll);
  }

  /** The one thing due on this subscription: a retry or the period's end, computed and applied once. */
  private Future<Void> dueStep(Versioned sub) {
    String retryInvoice = BillingSteps.retryInvoice(sub.json());
    return cardCharges(sub.json()).compose(charges -> {
      if (retryInvoice != null) {
        return store.read(SandboxStore.invoice(retryInvoice)).compose(invoice ->
            apply(sub, Map.of(retryInvoice, invoice), steps.retry(sub.json(), invoice.json(), charges)));
      }
      // The check-and-set on the subscription's version makes a period renew once, whoever gets there first.
      return apply(sub, Map.of(), steps.periodEnds(sub.json(), charges));
    });
  }

  /** Whether a later charge to the subscription's saved card succeeds. */
  private Future<Boolean> cardCharges(JsonObject subscription) {
    String pm = subscription.getString("default_payment_method");
    if (pm == null) {
      return Future.succeededFuture(false);
    }
    return store.read(SandboxStore.paymentMethod(pm)).map(read -> read.exists()
        && SandboxCards.chargesLater(BillingSteps.internal(read.json()).getString("number")));
  }

  /** Writes a step's objects, each against the version it was computed from, and then sends its events. */
  private Future<Void> apply(Versioned sub, Map<String, Versioned> invoicesRead, Step step) {
    Change change = new Change();
    String customer = sub.json().getString("customer");
    if (step.subscription != null) {
      change.replace(SandboxStore.subscription(sub.json().getString("id")), sub, step.subscription);
    }
    writeInvoicesAndIntents(change, customer, invoicesRead, step);
    return commit(change).onSuccess(done -> send(step.events));
  }

  private static void writeInvoicesAndIntents(Change change, String customer, Map<String, Versioned> invoicesRead,
                                              Step step) {
    for (JsonObject invoice : step.invoices) {
      String id = invoice.getString("id");
      Versioned read = invoicesRead.get(id);
      if (read != null) {
        change.replace(SandboxStore.invoice(id), read, invoice);
      } else {
        change.create(SandboxStore.invoice(id), invoice).lpush(SandboxStore.customerInvoices(customer), id);
      }
    }
    for (JsonObject intent : step.paymentIntents) {
      // The same hash as a Checkout payment's, so that refunds work on subscription charges too.
      JsonObject internal = BillingSteps.internal(intent);
      change.hset(SandboxStore.paymentIntent(intent.getString("id")), Map.of(
          "amount", String.valueOf(intent.getLong("amount")), "currency", intent.getString("currency"),
          "refunded", "0", "charge", internal.getString("charge"), "invoice", internal.getString("invoice")));
    }
  }

  private void send(List<Event> batch) {
    if (!batch.isEmpty()) {
      events.accept(batch);
    }
  }

  // ---- customers

  /**
   * A customer, with a test clock of its own unless one is named; the same Idempotency-Key answers the
   * same customer.
   */
  Future<JsonObject> createCustomer(Map<String, String> form, String idempotencyKey) {
    String clockId = form.get("test_clock");
    Future<Versioned> named = clockId == null || clockId.isEmpty() ? Future.succeededFuture(null)
        : store.read(SandboxStore.clock(clockId)).map(read -> {
          if (!read.exists()) {
            throw SandboxError.missing("test_helpers.test_clock", clockId);
          }
          return read;
        });
    return named.compose(existing -> {
      Change change = new Change();
      JsonObject own = existing == null ? newClock(realNow(), "genpay sandbox", idempotencyKey) : null;
      String clockOfCustomer = own != null ? own.getString("id") : clockId;
      // The customer, its clock and the key's claim share the clock's tag (a retry names the same clock or makes
      // its own in the same shard).
      String idem = idempotencyKey == null || idempotencyKey.isEmpty() ? null
          : StripeSandbox.idempotencyKey(SandboxIds.tag(clockOfCustomer), "customer:" + idempotencyKey);
      if (idem != null) {
        change.expectAbsent(idem);
      }
      long created = existing != null ? existing.json().getLong("frozen_time") : own.getLong("frozen_time");
      JsonObject customer = new JsonObject()
          .put("id", SandboxIds.near(clockOfCustomer, "cus_", 14))
          .put("object", "customer")
          .put("created", created)
          .put("email", form.get("email"))
          .put("name", form.get("name"))
          .put("invoice_settings", new JsonObject().put("default_payment_method", null))
          .put("livemode", false)
          .put("metadata", FormNumbers.metadata(form, "metadata"))
          .put("test_clock", clockOfCustomer);
      String id = customer.getString("id");
      if (own != null) {
        change.create(SandboxStore.clock(clockOfCustomer), own);
      }
      change.create(SandboxStore.customer(id), customer).lpush(SandboxStore.clockCustomers(clockOfCustomer), id);
      if (idem != null) {
        change.set(idem, id);
      }
      return store.commit(change).compose(failed -> {
        if (failed == 0) {
          return Future.succeededFuture(customer);
        }
        if (idem == null) {
          return Future.failedFuture(new Conflict());
        }
        return store.get(idem).compose(this::customer);
      });
    });
  }

  Future<JsonObject> customer(String id) {
    return readCustomer(id).map(read -> BillingSteps.render(read.json()));
  }

  private Future<Versioned> readCustomer(String id) {
    return store.read(SandboxStore.customer(id)).map(read -> {
      if (!read.exists()) {
        throw SandboxError.missing("customer", id);
      }
      return read;
    });
  }

  /** Stripe's now for a customer: its test clock's frozen time, else the real now. */
  private Future<Long> now(String clockId) {
    if (clockId == null) {
      return Future.succeededFuture(realNow());
    }
    return store.read(SandboxStore.clock(clockId)).map(read -> read.exists()
        ? read.json().getLong("frozen_time") : realNow());
  }

  // ---- payment methods

  private JsonObject paymentMethod(String customer, String number, String email, long now) {
    return new JsonObject()
        .put("id", SandboxIds.near(customer, "pm_", 24))
        .put("object", "payment_method")
        .put("type", "card")
        .put("billing_details", new JsonObject().put("email", email == null || email.isEmpty() ? null : email))
        .put("card", new JsonObject()
            .put("brand", SandboxCards.brand(number))
            .put("last4", SandboxCards.last4(number))
            .put("exp_month", 12)
            .put("exp_year", Instant.ofEpochSecond(realNow()).atZone(ZoneOffset.UTC).getYear() + 3)
            .put("funding", "credit")
            .put("country", "US"))
        .put("customer", customer)
        .put("created", now)
        .put("livemode", false)
        .put("metadata", new JsonObject())
        .put(BillingSteps.INTERNAL, new JsonObject().put("number", SandboxCards.normalise(number)));
  }

  Future<JsonObject> paymentMethod(String id) {
    return store.read(SandboxStore.paymentMethod(id)).map(read -> {
      if (!read.exists()) {
        throw SandboxError.missing("payment_method", id);
      }
      return BillingSteps.render(read.json());
    });
  }

  Future<JsonObject> paymentMethods(String customer) {
    if (customer == null || customer.isEmpty()) {
      return Future.failedFuture(SandboxError.invalid("parameter_missing", "Missing required param: customer."));
    }
    return readCustomer(customer)
        .compose(found -> store.list(SandboxStore.customerPaymentMethods(customer)))
        .compose(ids -> store.readAll(ids.stream().map(SandboxStore::paymentMethod).toList()))
        .map(all -> list(all.stream().filter(Versioned::exists).map(read -> BillingSteps.render(read.json())).toList(),
            "/v1/payment_methods"));
  }

  private static JsonObject list(List<JsonObject> data, String url) {
    return new JsonObject().put("object", "list").put("data", new JsonArray(new ArrayList<>(data)))
        .put("has_more", false).put("url", url);
  }

  // ---- checkout in subscription mode

  /**
   * The subscription-mode Checkout Session paid with {@code card}: the card becomes the customer's default
   * payment method, the subscription starts and its first invoice is paid, all with the session's move out of
   * {@code open}, in one change. Answers the session's id; the events follow, checkout.session.completed last.
   */
  Future<List<Event>> completeCheckout(String sessionId, String email, String card,
                                       Supplier<Future<JsonObject>> renderSession) {
    String sessionKey = StripeSandbox.key(sessionId);
    return retried(() -> store.hash(sessionKey).compose(session -> {
      if (session.isEmpty()) {
        throw SandboxError.missing("checkout.session", sessionId);
      }
      if (!"open".equals(session.get("status"))) {
        throw SandboxError.invalid("checkout_session_not_open", "This Checkout Session is no longer open.");
      }
      JsonObject body = new JsonObject(session.get("body"));
      JsonObject internal = body.getJsonObject(BillingSteps.INTERNAL, new JsonObject());
      JsonObject price = prices.find(internal.getString("price"));
      String customerId = body.getString("customer");
      return readCustomer(customerId).compose(customer -> now(customer.json().getString("test_clock")).compose(now -> {
        String typed = email == null || email.isBlank() ? customer.json().getString("email") : email.trim();
        JsonObject pm = paymentMethod(customerId, card, typed, now);
        String pmId = pm.getString("id");
        Step step = steps.start(customerId, customer.json().getString("test_clock"), price, pmId,
            internal.getJsonObject("subscription_metadata"), now);
        JsonObject sub = step.subscription;
        JsonObject updatedCustomer = customer.json().copy();
        updatedCustomer.getJsonObject("invoice_settings").put("default_payment_method", pmId);
        if (updatedCustomer.getString("email") == null && typed != null) {
          updatedCustomer.put("email", typed);
        }
        String invoiceId = sub.getString("latest_invoice");
        String intent = step.paymentIntents.isEmpty() ? "" : step.paymentIntents.get(0).getString("id");
        Change change = new Change()
            .expectField(sessionKey, "status", "open")
            .replace(SandboxStore.customer(customerId), customer, updatedCustomer)
            .create(SandboxStore.paymentMethod(pmId), pm)
            .lpush(SandboxStore.customerPaymentMethods(customerId), pmId)
            .create(SandboxStore.subscription(sub.getString("id")), sub)
            .lpush(SandboxStore.customerSubscriptions(customerId), sub.getString("id"));
        writeInvoicesAndIntents(change, customerId, Map.of(), step);
        Map<String, String> moved = new HashMap<>();
        moved.put("status", "complete");
        moved.put("payment_status", "paid");
        moved.put("payment_intent", intent);
        moved.put("email", typed == null ? "" : typed);
        moved.put("subscription", sub.getString("id"));
        moved.put("invoice", invoiceId);
        change.hset(sessionKey, moved);
        return store.commit(change).compose(failed -> {
          if (failed == 1) {
            throw SandboxError.invalid("checkout_session_not_open", "This Checkout Session is no longer open.");
          }
          if (failed != 0) {
            throw new Conflict();
          }
          return renderSession.get().map(rendered -> {
            List<Event> all = new ArrayList<>(step.events);
            all.add(new Event("checkout.session.completed", rendered));
            return all;
          });
        });
      }));
    }), ATTEMPTS);
  }

  /** Checks a subscription-mode Checkout's customer before the session is made. */
  Future<Void> checkCustomer(String customerId) {
    return readCustomer(customerId).mapEmpty();
  }

  // ---- subscriptions

  private Future<Versioned> readSubscription(String id) {
    return store.read(SandboxStore.subscription(id)).map(read -> {
      if (!read.exists()) {
        throw SandboxError.missing("subscription", id);
      }
      return read;
    });
  }

  Future<JsonObject> subscription(String id) {
    return readSubscription(id).map(read -> BillingSteps.render(read.json()));
  }

  /**
   * POST /v1/subscriptions/{id}: cancel_at_period_end, a new price for its item (with proration_behavior),
   * metadata.
   */
  Future<JsonObject> updateSubscription(String id, Map<String, String> form) {
    String cancel = form.get("cancel_at_period_end");
    String newPriceId = form.get("items[0][price]");
    String behaviour = form.getOrDefault("proration_behavior", "create_prorations");
    if (cancel != null && !List.of("true", "false").contains(cancel)) {
      throw SandboxError.invalid("parameter_invalid_boolean", "Invalid boolean: " + cancel);
    }
    if (!List.of("create_prorations", "always_invoice", "none").contains(behaviour)) {
      throw SandboxError.invalid("parameter_invalid_string", "Invalid proration_behavior: must be one of "
          + "create_prorations, always_invoice, none");
    }
    JsonObject newPrice = newPriceId == null ? null : prices.find(newPriceId);
    if (newPriceId != null && newPrice == null) {
      throw SandboxError.missing("price", newPriceId);
    }
    JsonObject metadata = FormNumbers.metadata(form, "metadata");
    return retried(() -> readSubscription(id).compose(sub -> {
      if (!BillingSteps.live(sub.json())) {
        throw SandboxError.invalid("subscription_not_live",
            "A subscription that is " + sub.json().getString("status") + " cannot be updated.");
      }
      String itemId = form.get("items[0][id]");
      if (newPrice != null && itemId != null && !itemId.equals(BillingSteps.item(sub.json()).getString("id"))) {
        throw SandboxError.missing("subscription_item", itemId);
      }
      return now(sub.json().getString("test_clock")).compose(now -> cardCharges(sub.json()).compose(charges -> {
        JsonObject current = sub.json();
        if (!metadata.isEmpty()) {
          current = current.copy();
          current.getJsonObject("metadata").mergeIn(metadata);
        }
        Step step = null;
        if (cancel != null) {
          step = steps.cancelAtPeriodEnd(current, Boolean.parseBoolean(cancel), now);
          current = step.subscription;
        }
        if (newPrice != null && !newPrice.getString("id").equals(BillingSteps.price(current).getString("id"))) {
          // One update, one customer.subscription.updated: the price change's, which includes the rest.
          step = steps.changePrice(current, newPrice, behaviour, charges, now);
        }
        if (step == null) {
          step = new Step();
          step.subscription = current;
          step.event("customer.subscription.updated", current);
        }
        Step done = step;
        return apply(sub, Map.of(), done).map(ok -> BillingSteps.render(done.subscription));
      }));
    }), ATTEMPTS);
  }

  /** DELETE /v1/subscriptions/{id}: canceled now. */
  Future<JsonObject> cancelSubscription(String id) {
    return retried(() -> readSubscription(id).compose(sub -> {
      if ("canceled".equals(sub.json().getString("status"))) {
        throw SandboxError.invalid("resource_missing", "No such subscription: '" + id + "' (it is canceled)");
      }
      return now(sub.json().getString("test_clock")).compose(now -> {
        Step step = steps.cancelNow(sub.json(), now);
        return apply(sub, Map.of(), step).map(ok -> BillingSteps.render(step.subscription));
      });
    }), ATTEMPTS);
  }

  /** The customer's subscriptions, newest first. */
  Future<List<JsonObject>> subscriptionsOf(String customer) {
    return store.list(SandboxStore.customerSubscriptions(customer))
        .compose(ids -> store.readAll(ids.stream().map(SandboxStore::subscription).toList()))
        .map(all -> all.stream().filter(Versioned::exists).map(read -> BillingSteps.render(read.json())).toList());
  }

  // ---- invoices

  Future<JsonObject> invoice(String id) {
    return store.read(SandboxStore.invoice(id)).map(read -> {
      if (!read.exists()) {
        throw SandboxError.missing("invoice", id);
      }
      return BillingSteps.render(read.json());
    });
  }

  /** GET /v1/invoices: by customer or subscription, optionally by status, newest first. */
  Future<JsonObject> invoices(Map<String, String> query) {
    String customer = query.get("customer");
    String subscription = query.get("subscription");
    String status = query.get("status");
    int limit = FormNumbers.limit(query.get("limit"));
    Future<String> owner = customer != null && !customer.isEmpty() ? Future.succeededFuture(customer)
        : subscription != null && !subscription.isEmpty()
        ? readSubscription(subscription).map(read -> read.json().getString("customer"))
        : Future.failedFuture(SandboxError.invalid("parameter_missing",
            "The sandbox lists invoices by customer or subscription."));
    return owner.compose(cus -> store.list(SandboxStore.customerInvoices(cus)))
        .compose(ids -> store.readAll(ids.stream().map(SandboxStore::invoice).toList()))
        .map(all -> {
          List<JsonObject> data = new ArrayList<>();
          boolean more = false;
          for (Versioned read : all) {
            if (!read.exists()) {
              continue;
            }
            JsonObject invoice = read.json();
            String sub = invoice.getJsonObject("parent").getJsonObject("subscription_details").getString("subscription");
            if ((subscription != null && !subscription.equals(sub))
                || (status != null && !status.equals(invoice.getString("status")))) {
              continue;
            }
            if (data.size() == limit) {
              more = true;
              break;
            }
            data.add(BillingSteps.render(invoice));
          }
          return list(data, "/v1/invoices").put("has_more", more);
        });
  }

  // ---- portal

  Future<JsonObject> createPortalSession(Map<String, String> form) {
    String customer = form.getOrDefault("customer", "");
    if (customer.isEmpty()) {
      throw SandboxError.invalid("parameter_missing", "Missing required param: customer.");
    }
    String returnUrl = form.get("return_url");
    // The portal page links to it: only a web address, never a script.
    if (returnUrl != null && !returnUrl.matches("^https?://[^\\s]+$")) {
      throw SandboxError.invalid("url_invalid", "Not a valid URL: return_url.");
    }
    return readCustomer(customer).compose(found -> {
      String id = SandboxIds.near(customer, "bps_", 24);
      JsonObject session = new JsonObject()
          .put("id", id)
          .put("object", "billing_portal.session")
          .put("configuration", "bpc_sandbox")
          .put("created", realNow())
          .put("customer", customer)
          .put("livemode", false)
          .put("locale", null)
          .put("return_url", form.get("return_url"))
          .put("url", appUrl + StripeSandbox.PREFIX + "/portal/" + id);
      return commit(new Change().create(SandboxStore.portalSession(id), session)).map(done -> session);
    });
  }

  Future<JsonObject> portalSession(String id) {
    return store.read(SandboxStore.portalSession(id)).map(read -> {
      if (!read.exists()) {
        throw SandboxError.missing("billing_portal.session", id);
      }
      return read.json();
    });
  }

  /**
   * A new card typed in the portal: the customer's and its subscriptions' default, and an open invoice of a
   * past_due subscription paid with it at once.
   */
  Future<Void> replaceCard(String customerId, String card) {
    return retried(() -> readCustomer(customerId).compose(customer -> now(customer.json().getString("test_clock"))
        .compose(now -> store.list(SandboxStore.customerSubscriptions(customerId))
            .compose(ids -> store.readAll(ids.stream().map(SandboxStore::subscription).toList()))
            .compose(subs -> {
              JsonObject pm = paymentMethod(customerId, card, customer.json().getString("email"), now);
              String pmId = pm.getString("id");
              JsonObject updated = customer.json().copy();
              updated.getJsonObject("invoice_settings").put("default_payment_method", pmId);
              Change change = new Change()
                  .replace(SandboxStore.customer(customerId), customer, updated)
                  .create(SandboxStore.paymentMethod(pmId), pm)
                  .lpush(SandboxStore.customerPaymentMethods(customerId), pmId);
              List<Future<Step>> payments = new ArrayList<>();
              List<Versioned> changed = new ArrayList<>();
              Map<String, Versioned> invoicesRead = new HashMap<>();
              for (Versioned sub : subs) {
                if (!sub.exists() || !BillingSteps.live(sub.json())) {
                  continue;
                }
                JsonObject next = sub.json().copy().put("default_payment_method", pmId);
                JsonObject retry = BillingSteps.internal(next).getJsonObject("retry");
                changed.add(sub);
                if (retry == null) {
                  Step step = new Step();
                  step.subscription = next;
                  step.event("customer.subscription.updated", next);
                  payments.add(Future.succeededFuture(step));
                } else {
                  String invoiceId = retry.getString("invoice");
                  payments.add(store.read(SandboxStore.invoice(invoiceId)).map(invoice -> {
                    invoicesRead.put(invoiceId, invoice);
                    return steps.payNow(next, invoice.json(), now);
                  }));
                }
              }
              return Future.all(payments).compose(all -> {
                List<Event> batch = new ArrayList<>();
                for (int i = 0; i < changed.size(); i++) {
                  Step step = payments.get(i).result();
                  change.replace(SandboxStore.subscription(changed.get(i).json().getString("id")), changed.get(i),
                      step.subscription);
                  writeInvoicesAndIntents(change, customerId, invoicesRead, step);
                  batch.addAll(step.events);
                }
                return commit(change).onSuccess(done -> send(batch));
              });
            }))), ATTEMPTS);
  }
}
