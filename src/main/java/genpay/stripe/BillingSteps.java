package genpay.stripe;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What happens to a sandbox subscription, without Redis or Vert.x: each step takes the objects as they are and
 * answers them as they become, with the events Stripe would send, each carrying a snapshot of its moment.
 * Objects carry the sandbox's own bookkeeping under {@code _sandbox}; {@link #render} strips it.
 */
final class BillingSteps {

  static final String INTERNAL = "_sandbox";
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMM yyyy", Locale.ROOT)
      .withZone(ZoneOffset.UTC);

  /** An event to send: its type and the object as it was. */
  record Event(String type, JsonObject object) {
  }

  /** The outcome of a step: the objects to write (null: unchanged) and the events, in Stripe's order. */
  static final class Step {
    JsonObject subscription;
    final List<JsonObject> invoices = new ArrayList<>();
    final List<JsonObject> paymentIntents = new ArrayList<>();
    final List<Event> events = new ArrayList<>();

    void event(String type, JsonObject object) {
      events.add(new Event(type, render(object)));
    }
  }

  private final String appUrl;

  BillingSteps(String appUrl) {
    this.appUrl = appUrl;
  }

  /** The object as Stripe shows it: a copy without the sandbox's bookkeeping. */
  static JsonObject render(JsonObject object) {
    JsonObject copy = object.copy();
    copy.remove(INTERNAL);
    return copy;
  }

  static JsonObject internal(JsonObject object) {
    JsonObject internal = object.getJsonObject(INTERNAL);
    if (internal == null) {
      internal = new JsonObject();
      object.put(INTERNAL, internal);
    }
    return internal;
  }

  static JsonObject item(JsonObject subscription) {
    return subscription.getJsonObject("items").getJsonArray("data").getJsonObject(0);
  }

  static JsonObject price(JsonObject subscription) {
    return item(subscription).getJsonObject("price");
  }

  static long periodStart(JsonObject subscription) {
    return item(subscription).getLong("current_period_start");
  }

  static long periodEnd(JsonObject subscription) {
    return item(subscription).getLong("current_period_end");
  }

  static boolean live(JsonObject subscription) {
    return List.of("active", "trialing", "past_due").contains(subscription.getString("status"));
  }

  /**
   * A subscription bought in Checkout and paid there with {@code paymentMethod}: it is created incomplete, its
   * first invoice is made, finalized and paid, and it turns active.
   */
  Step start(String customer, String testClock, JsonObject price, String paymentMethod, JsonObject metadata,
             long now) {
    String id = SandboxIds.near(customer, "sub_", 24);
    String interval = price.getJsonObject("recurring").getString("interval");
    long end = BillingPeriods.periodEnd(now, interval, 0);
    JsonObject item = new JsonObject()
        .put("id", SandboxIds.next("si_", 14))
        .put("object", "subscription_item")
        .put("created", now)
        .put("current_period_start", now)
        .put("current_period_end", end)
        .put("metadata", new JsonObject())
        .put("price", price.copy())
        .put("quantity", 1)
        .put("subscription", id);
    JsonObject subscription = new JsonObject()
        .put("id", id)
        .put("object", "subscription")
        .put("billing_cycle_anchor", now)
        .put("cancel_at", null)
        .put("cancel_at_period_end", false)
        .put("canceled_at", null)
        .put("collection_method", "charge_automatically")
        .put("created", now)
        .put("currency", price.getString("currency"))
        .put("customer", customer)
        .put("default_payment_method", paymentMethod)
        .put("ended_at", null)
        .put("items", new JsonObject().put("object", "list").put("data", new JsonArray().add(item))
            .put("has_more", false).put("total_count", 1).put("url", "/v1/subscription_items?subscription=" + id))
        .put("latest_invoice", null)
        .put("livemode", false)
        .put("metadata", metadata == null ? new JsonObject() : metadata.copy())
        .put("start_date", now)
        .put("status", "incomplete")
        .put("test_clock", testClock)
        .put(INTERNAL, new JsonObject().put("cycle", 0).put("invoices", 0).put("pending", new JsonArray()));
    Step step = new Step();
    JsonObject invoice = invoice(subscription, "subscription_create",
        List.of(line(subscription, price, price.getLong("unit_amount"), now, end, false, null)), now);
    subscription.put("latest_invoice", invoice.getString("id"));
    step.event("customer.subscription.created", subscription);
    charge(step, subscription, invoice, true, true, now);
    return step;
  }

  /** When this subscription next has something to do on its clock: a period's end or a payment retry. */
  static long due(JsonObject subscription) {
    if (!live(subscription)) {
      return Long.MAX_VALUE;
    }
    long due = periodEnd(subscription);
    JsonObject retry = internal(subscription).getJsonObject("retry");
    if (retry != null) {
      due = Math.min(due, retry.getLong("next_at"));
    }
    return due;
  }

  /** Whether the step due at {@link #due} is a payment retry (else the period's end). */
  static String retryInvoice(JsonObject subscription) {
    JsonObject retry = internal(subscription).getJsonObject("retry");
    return retry != null && retry.getLong("next_at") <= periodEnd(subscription) ? retry.getString("invoice") : null;
  }

  /**
   * The period ends: the subscription ends with it when so asked, else a new period starts and its invoice is
   * charged to the saved card ({@code cardCharges}: whether that charge succeeds).
   */
  Step periodEnds(JsonObject subscription, boolean cardCharges) {
    JsonObject sub = subscription.copy();
    long at = periodEnd(sub);
    Step step = new Step();
    if (sub.getBoolean("cancel_at_period_end", false)) {
      end(sub, at);
      step.subscription = sub;
      step.event("customer.subscription.deleted", sub);
      return step;
    }
    JsonObject internal = internal(sub);
    int cycle = internal.getInteger("cycle", 0) + 1;
    internal.put("cycle", cycle);
    JsonObject price = price(sub);
    long end = BillingPeriods.periodEnd(sub.getLong("billing_cycle_anchor"), price.getJsonObject("recurring")
        .getString("interval"), cycle);
    item(sub).put("current_period_start", at).put("current_period_end", end);
    List<JsonObject> lines = new ArrayList<>(pending(sub));
    lines.add(line(sub, price, price.getLong("unit_amount"), at, end, false, null));
    internal.put("pending", new JsonArray());
    JsonObject invoice = invoice(sub, "subscription_cycle", lines, at);
    sub.put("latest_invoice", invoice.getString("id"));
    charge(step, sub, invoice, cardCharges, false, at);
    return step;
  }

  /** A retry of the open invoice at its scheduled time; the last failed retry makes Stripe give up. */
  Step retry(JsonObject subscription, JsonObject openInvoice, boolean cardCharges) {
    JsonObject sub = subscription.copy();
    JsonObject invoice = openInvoice.copy();
    JsonObject retry = internal(sub).getJsonObject("retry");
    long at = retry.getLong("next_at");
    Step step = new Step();
    int attempt = invoice.getInteger("attempt_count", 0) + 1;
    invoice.put("attempt_count", attempt).put("attempted", true);
    if (cardCharges) {
      paid(step, sub, invoice, at);
      return step;
    }
    long next = BillingPeriods.nextAttempt(retry.getLong("first_failed_at"), attempt);
    step.invoices.add(invoice);
    step.subscription = sub;
    if (next < 0) {
      invoice.put("next_payment_attempt", null);
      step.event("invoice.payment_failed", invoice);
      invoice.put("status", "uncollectible");
      invoice.getJsonObject("status_transitions").put("marked_uncollectible_at", at);
      step.event("invoice.marked_uncollectible", invoice);
      internal(sub).remove("retry");
      end(sub, at);
      sub.put("canceled_at", at);
      step.event("customer.subscription.deleted", sub);
    } else {
      invoice.put("next_payment_attempt", next);
      retry.put("next_at", next);
      step.event("invoice.payment_failed", invoice);
    }
    return step;
  }

  /** The open invoice paid at once with a card just typed (the portal's card replacement). */
  Step payNow(JsonObject subscription, JsonObject openInvoice, long now) {
    JsonObject sub = subscription.copy();
    JsonObject invoice = openInvoice.copy();
    invoice.put("attempt_count", invoice.getInteger("attempt_count", 0) + 1).put("attempted", true);
    Step step = new Step();
    paid(step, sub, invoice, now);
    return step;
  }

  /** cancel_at_period_end set or cleared. */
  Step cancelAtPeriodEnd(JsonObject subscription, boolean cancel, long now) {
    JsonObject sub = subscription.copy();
    sub.put("cancel_at_period_end", cancel)
        .put("cancel_at", cancel ? periodEnd(sub) : null)
        .put("canceled_at", cancel ? now : null);
    Step step = new Step();
    step.subscription = sub;
    step.event("customer.subscription.updated", sub);
    return step;
  }

  /** Canceled now (DELETE). */
  Step cancelNow(JsonObject subscription, long now) {
    JsonObject sub = subscription.copy();
    end(sub, now);
    sub.put("canceled_at", now);
    Step step = new Step();
    step.subscription = sub;
    step.event("customer.subscription.deleted", sub);
    return step;
  }

  /**
   * The item's price changes at once. Same interval: the unused old time and the remaining new time are
   * invoiced now ({@code always_invoice}), kept for the next cycle ({@code create_prorations}) or dropped
   * ({@code none}). Another interval starts a new period now and invoices it at once, as Stripe does.
   */
  Step changePrice(JsonObject subscription, JsonObject newPrice, String behaviour, boolean cardCharges, long now) {
    JsonObject sub = subscription.copy();
    JsonObject oldPrice = price(sub);
    JsonObject item = item(sub);
    long start = periodStart(sub);
    long end = periodEnd(sub);
    String oldInterval = oldPrice.getJsonObject("recurring").getString("interval");
    String newInterval = newPrice.getJsonObject("recurring").getString("interval");
    BillingPeriods.Proration proration = BillingPeriods.prorate(oldPrice.getLong("unit_amount"),
        newPrice.getLong("unit_amount"), start, end, now);
    JsonObject unused = line(sub, oldPrice, proration.unused(), now, end, true,
        "Unused time on " + product(oldPrice) + " after " + DAY.format(Instant.ofEpochSecond(now)));
    item.put("price", newPrice.copy());
    Step step = new Step();
    if (!oldInterval.equals(newInterval)) {
      long newEnd = BillingPeriods.periodEnd(now, newInterval, 0);
      sub.put("billing_cycle_anchor", now);
      internal(sub).put("cycle", 0);
      item.put("current_period_start", now).put("current_period_end", newEnd);
      List<JsonObject> lines = new ArrayList<>(pending(sub));
      if (!"none".equals(behaviour)) {
        lines.add(unused);
      }
      lines.add(line(sub, newPrice, newPrice.getLong("unit_amount"), now, newEnd, false, null));
      internal(sub).put("pending", new JsonArray());
      step.event("customer.subscription.updated", sub);
      JsonObject invoice = invoice(sub, "subscription_update", lines, now);
      sub.put("latest_invoice", invoice.getString("id"));
      charge(step, sub, invoice, cardCharges, false, now);
      return step;
    }
    JsonObject remaining = line(sub, newPrice, proration.remaining(), now, end, true,
        "Remaining time on " + product(newPrice) + " after " + DAY.format(Instant.ofEpochSecond(now)));
    switch (behaviour) {
      case "always_invoice" -> {
        List<JsonObject> lines = new ArrayList<>(pending(sub));
        lines.add(unused);
        lines.add(remaining);
        internal(sub).put("pending", new JsonArray());
        step.event("customer.subscription.updated", sub);
        JsonObject invoice = invoice(sub, "subscription_update", lines, now);
        sub.put("latest_invoice", invoice.getString("id"));
        charge(step, sub, invoice, cardCharges, false, now);
      }
      case "create_prorations" -> {
        internal(sub).getJsonArray("pending").add(unused).add(remaining);
        step.subscription = sub;
        step.event("customer.subscription.updated", sub);
      }
      default -> {
        step.subscription = sub;
        step.event("customer.subscription.updated", sub);
      }
    }
    return step;
  }

  private static List<JsonObject> pending(JsonObject subscription) {
    List<JsonObject> lines = new ArrayList<>();
    JsonArray pending = internal(subscription).getJsonArray("pending", new JsonArray());
    for (int i = 0; i < pending.size(); i++) {
      lines.add(pending.getJsonObject(i));
    }
    return lines;
  }

  private static void end(JsonObject sub, long at) {
    sub.put("status", "canceled").put("ended_at", at);
    if (sub.getValue("canceled_at") == null) {
      sub.put("canceled_at", at);
    }
  }

  /**
   * The invoice is created (draft), finalized (open) and charged: paid, or failed (past_due, retries
   * scheduled). {@code onSession}: the payer is at the page (Checkout), so a card that fails later still pays.
   */
  private void charge(Step step, JsonObject sub, JsonObject invoice, boolean cardCharges, boolean onSession,
                      long at) {
    step.event("invoice.created", invoice);
    invoice.put("status", "open");
    invoice.getJsonObject("status_transitions").put("finalized_at", at);
    step.event("invoice.finalized", invoice);
    invoice.put("attempt_count", 1).put("attempted", true);
    if (cardCharges || onSession || invoice.getLong("amount_due") == 0) {
      paid(step, sub, invoice, at);
      return;
    }
    long next = BillingPeriods.nextAttempt(at, 1);
    invoice.put("next_payment_attempt", next);
    step.invoices.add(invoice);
    step.event("invoice.payment_failed", invoice);
    internal(sub).put("retry", new JsonObject().put("invoice", invoice.getString("id"))
        .put("first_failed_at", at).put("next_at", next));
    sub.put("status", "past_due");
    step.subscription = sub;
    step.event("customer.subscription.updated", sub);
  }

  private void paid(Step step, JsonObject sub, JsonObject invoice, long at) {
    long amount = invoice.getLong("amount_due");
    invoice.put("status", "paid").put("amount_paid", amount).put("amount_remaining", 0)
        .put("next_payment_attempt", null);
    invoice.getJsonObject("status_transitions").put("paid_at", at);
    step.invoices.add(invoice);
    step.event("invoice.paid", invoice);
    if (amount > 0) {
      JsonObject intent = new JsonObject()
          .put("id", SandboxIds.near(sub.getString("customer"), "pi_test_", 24))
          .put("object", "payment_intent")
          .put("amount", amount)
          .put("amount_received", amount)
          .put("currency", invoice.getString("currency"))
          .put("customer", sub.getString("customer"))
          .put("payment_method", sub.getString("default_payment_method"))
          .put("status", "succeeded")
          .put("created", at)
          .put("livemode", false)
          .put("metadata", new JsonObject())
          .put(INTERNAL, new JsonObject().put("invoice", invoice.getString("id")).put("charge",
              SandboxIds.next("ch_test_", 24)));
      step.paymentIntents.add(intent);
      step.event("payment_intent.succeeded", intent);
    }
    internal(sub).remove("retry");
    sub.put("status", "active");
    step.subscription = sub;
    // Its status or at least its latest invoice moved: Stripe tells of the subscription either way.
    step.event("customer.subscription.updated", sub);
  }

  private JsonObject invoice(JsonObject sub, String reason, List<JsonObject> lines, long at) {
    String id = SandboxIds.near(sub.getString("customer"), "in_", 24);
    JsonObject internal = internal(sub);
    int count = internal.getInteger("invoices", 0) + 1;
    internal.put("invoices", count);
    long total = 0;
    JsonArray data = new JsonArray();
    for (JsonObject line : lines) {
      total += line.getLong("amount");
      data.add(line.copy().put("invoice", id));
    }
    long due = Math.max(0, total);
    JsonObject first = lines.get(lines.size() - 1).getJsonObject("period");
    return new JsonObject()
        .put("id", id)
        .put("object", "invoice")
        .put("account_country", "US")
        .put("amount_due", due)
        .put("amount_paid", 0)
        .put("amount_remaining", due)
        .put("attempt_count", 0)
        .put("attempted", false)
        .put("billing_reason", reason)
        .put("collection_method", "charge_automatically")
        .put("created", at)
        .put("currency", sub.getString("currency"))
        .put("customer", sub.getString("customer"))
        .put("hosted_invoice_url", appUrl + StripeSandbox.PREFIX + "/invoices/" + id)
        .put("lines", new JsonObject().put("object", "list").put("data", data).put("has_more", false)
            .put("total_count", data.size()).put("url", "/v1/invoices/" + id + "/lines"))
        .put("livemode", false)
        .put("metadata", new JsonObject())
        .put("next_payment_attempt", null)
        .put("number", numberPrefix(sub.getString("customer")) + String.format(Locale.ROOT, "-%04d", count))
        .put("parent", new JsonObject().put("type", "subscription_details").put("subscription_details",
            new JsonObject().put("subscription", sub.getString("id"))
                .put("metadata", sub.getJsonObject("metadata", new JsonObject()).copy())))
        .put("period_start", first.getLong("start"))
        .put("period_end", first.getLong("end"))
        .put("status", "draft")
        .put("status_transitions", new JsonObject().put("finalized_at", null).put("marked_uncollectible_at", null)
            .put("paid_at", null).put("voided_at", null))
        .put("subtotal", total)
        .put("total", total)
        .put("test_clock", sub.getString("test_clock"));
  }

  private static JsonObject line(JsonObject sub, JsonObject price, long amount, long start, long end,
                                 boolean proration, String description) {
    String text = description != null ? description : String.format(Locale.ROOT, "1 × %s (at %.2f %s / %s)",
        product(price), price.getLong("unit_amount") / 100.0, price.getString("currency").toUpperCase(Locale.ROOT),
        price.getJsonObject("recurring").getString("interval"));
    return new JsonObject()
        .put("id", SandboxIds.next("il_", 24))
        .put("object", "line_item")
        .put("amount", amount)
        .put("currency", price.getString("currency"))
        .put("description", text)
        .put("livemode", false)
        .put("metadata", new JsonObject())
        .put("period", new JsonObject().put("start", start).put("end", end))
        .put("pricing", new JsonObject().put("type", "price_details")
            .put("price_details", new JsonObject().put("price", price.getString("id"))
                .put("product", price.getString("product")))
            .put("unit_amount_decimal", String.valueOf(amount)))
        .put("parent", new JsonObject().put("type", "subscription_item_details")
            .put("subscription_item_details", new JsonObject().put("invoice_item", null)
                .put("proration", proration).put("subscription", sub.getString("id"))
                .put("subscription_item", item(sub).getString("id"))))
        .put("quantity", 1);
  }

  static String product(JsonObject price) {
    String plan = price.getJsonObject("metadata", new JsonObject()).getString("plan", "plan");
    return plan.isEmpty() ? plan : plan.substring(0, 1).toUpperCase(Locale.ROOT) + plan.substring(1);
  }

  private static String numberPrefix(String customer) {
    String letters = customer.substring(customer.indexOf('_') + 1).replaceAll("[^A-Za-z0-9]", "")
        .toUpperCase(Locale.ROOT);
    return letters.substring(0, Math.min(8, letters.length()));
  }
}
