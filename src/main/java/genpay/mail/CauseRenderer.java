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
  /** One address, nothing a mail header could be made of: no server would take anything else, ever. */
  private static final Pattern ADDRESS = Pattern.compile("^[^\\s@<>,;\"]{1,64}@[^\\s@<>,;\"]{1,255}$");

  private final EventBus bus;
  private final String appUrl;

  public CauseRenderer(EventBus bus, String appUrl) {
    this.bus = bus;
    this.appUrl = appUrl;
  }

  public Future<Rendered> render(String cause) {
    if (cause.startsWith(MailOutbox.ORDER_ENDED)) {
      return orderEnded(cause.substring(MailOutbox.ORDER_ENDED.length()));
    }
    return Future.succeededFuture(Rendered.drop("no message for this kind of cause"));
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
          Mail mail = MailTemplates.orderEnded(email.trim(), contact.getString("locale"), session, appUrl);
          return mail == null ? Rendered.drop("the order has not ended") : Rendered.of(mail);
        })
        .recover(failure -> BusReplies.isNotFound(failure)
            ? Future.succeededFuture(Rendered.drop("the order is gone"))
            : Future.failedFuture(failure));
  }

  /** Either a message or why there is none. */
  public record Rendered(Mail mail, String dropReason) {
    static Rendered of(Mail mail) {
      return new Rendered(mail, null);
    }

    static Rendered drop(String reason) {
      return new Rendered(null, reason);
    }
  }
}
