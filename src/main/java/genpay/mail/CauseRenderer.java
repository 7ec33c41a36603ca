package genpay.mail;

import genpay.config.Addresses;
import genpay.config.BusReplies;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;

import java.util.regex.Pattern;

/**
 * Turns a cause into its message, reading what it needs from the verticles that own it. A cause with nothing to
 * send (no address, an order gone) renders as a drop with a reason; a failure (the store unavailable) is retried.
 */
public final class CauseRenderer {

  private static final DeliveryOptions READ = new DeliveryOptions().setSendTimeout(5_000);
  /** Reads the invoice from Stripe. */
  private static final DeliveryOptions STRIPE_READ = new DeliveryOptions().setSendTimeout(30_000);
  /** One address, nothing a mail header could be made of: no server would take anything else, ever. */
  /** How long an order's message waits for its refunds to reach Stripe, so that it can say they were made. */
  static final long REFUND_WAIT_MS = 120_000;
  private static final long REFUND_RECHECK_MS = 1_000;
  private static final Pattern ADDRESS = Pattern.compile("^[^\\s@<>,;\"]{1,64}@[^\\s@<>,;\"]{1,255}$");

  private final EventBus bus;
  private final String appUrl;

  public CauseRenderer(EventBus bus, String appUrl) {
    this.bus = bus;
    this.appUrl = appUrl;
  }

  public Future<Rendered> render(String cause) {
    if (cause.startsWith(MailOutbox.ORDER_ENDED)) {
      return orderEnded(MailOutbox.subjectOf(cause.substring(MailOutbox.ORDER_ENDED.length())));
    }
    if (cause.startsWith(MailOutbox.CREDITS_BOUGHT)) {
      return creditsBought(cause.substring(MailOutbox.CREDITS_BOUGHT.length()));
    }
    if (cause.startsWith(MailOutbox.SUBSCRIPTION_PAYMENT_FAILED)) {
      return subscriptionPaymentFailed(cause.substring(MailOutbox.SUBSCRIPTION_PAYMENT_FAILED.length()));
    }
    return Future.succeededFuture(Rendered.drop("no message for this kind of cause"));
  }

  private Future<Rendered> subscriptionPaymentFailed(String invoiceId) {
    return bus.<JsonObject>request(Addresses.BILLING_PAYMENT_FAILED_MAIL, new JsonObject().put("invoiceId", invoiceId),
            STRIPE_READ)
        .map(reply -> {
          JsonObject failed = reply.body();
          String email = failed.getString("email", "").trim();
          if (!ADDRESS.matcher(email).matches()) {
            return Rendered.drop("the account has no e-mail address a mail server would take");
          }
          return Rendered.of(MailTemplates.subscriptionPaymentFailed(email, failed.getString("locale"), failed, appUrl));
        })
        .recover(failure -> BusReplies.isNotFound(failure)
            ? Future.succeededFuture(Rendered.drop("the invoice is no account's of this engine"))
            : Future.failedFuture(failure));
  }

  private Future<Rendered> creditsBought(String sessionId) {
    return bus.<JsonObject>request(Addresses.PURCHASES_GET, new JsonObject().put("sessionId", sessionId), READ)
        .map(reply -> {
          JsonObject purchase = reply.body();
          String email = purchase.getString("email", "").trim();
          if (!ADDRESS.matcher(email).matches()) {
            return Rendered.drop("the purchase has no e-mail address a mail server would take");
          }
          return Rendered.of(MailTemplates.creditsBought(email, purchase.getString("locale"), purchase, appUrl));
        })
        .recover(failure -> BusReplies.isNotFound(failure)
            ? Future.succeededFuture(Rendered.drop("the purchase is gone"))
            : Future.failedFuture(failure));
  }

  private Future<Rendered> orderEnded(String sessionId) {
    return bus.<JsonObject>request(Addresses.SESSIONS_GET,
            new JsonObject().put("sessionId", sessionId).put("withContact", true), READ)
        .map(reply -> {
          JsonObject session = reply.body();
          JsonObject contact = session.getJsonObject("contact", new JsonObject());
          String email = contact.getString("email", "");
          if (email.isBlank()) {
            return Rendered.drop("the order has no e-mail address");
          }
          if (!ADDRESS.matcher(email.trim()).matches()) {
            return Rendered.drop("the order's e-mail address is not one a mail server would take");
          }
          boolean refundOwed = session.getJsonArray("files").stream().map(JsonObject.class::cast)
              .anyMatch(file -> file.getJsonObject("refund") != null
                  && "owed".equals(file.getJsonObject("refund").getString("status")));
          if (refundOwed && System.currentTimeMillis() - session.getLong("timestamp", 0L) < REFUND_WAIT_MS) {
            return Rendered.later(REFUND_RECHECK_MS, "a refund of the order is still on its way to Stripe");
          }
          Mail mail = MailTemplates.orderEnded(email.trim(), contact.getString("locale"), session, appUrl);
          return mail == null ? Rendered.drop("the order has not ended") : Rendered.of(mail);
        })
        .recover(failure -> BusReplies.isNotFound(failure)
            ? Future.succeededFuture(Rendered.drop("the order is gone"))
            : Future.failedFuture(failure));
  }

  /** A message, or why there is none, or how long to wait before rendering it again. */
  public record Rendered(Mail mail, String dropReason, long waitMs) {
    static Rendered of(Mail mail) {
      return new Rendered(mail, null, 0);
    }

    static Rendered drop(String reason) {
      return new Rendered(null, reason, 0);
    }

    static Rendered later(long waitMs, String reason) {
      return new Rendered(null, reason, waitMs);
    }
  }
}
