package genpay.stripe;

import com.stripe.exception.SignatureVerificationException;
import com.stripe.net.Webhook;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * A Stripe webhook, verified over its raw body and read as plain JSON: an event of any API version is
 * understood, where stripe-java's typed deserializer would refuse one that is not its own.
 */
public record WebhookEvent(String id, String type, String apiVersion, JsonObject object) {

  public static final long TOLERANCE_SECONDS = 300;

  /** Why a webhook was refused; the message is safe to answer with and to log. */
  public static final class Rejected extends Exception {
    public Rejected(String message) {
      super(message, null, false, false);
    }
  }

  /** Accepts the payload when its signature matches any of the secrets (rotation), within the tolerance. */
  public static WebhookEvent verify(String payload, String signatureHeader, List<String> secrets) throws Rejected {
    if (signatureHeader == null || signatureHeader.isBlank()) {
      throw new Rejected("missing Stripe-Signature header");
    }
    boolean verified = false;
    for (String secret : secrets) {
      try {
        Webhook.Signature.verifyHeader(payload, signatureHeader, secret, TOLERANCE_SECONDS);
        verified = true;
        break;
      } catch (SignatureVerificationException e) {
        // try the next secret
      }
    }
    if (!verified) {
      throw new Rejected("signature does not match, or its timestamp is outside the tolerance");
    }
    return parse(payload);
  }

  static WebhookEvent parse(String payload) throws Rejected {
    JsonObject event;
    try {
      event = new JsonObject(payload);
    } catch (DecodeException | ClassCastException e) {
      throw new Rejected("body is not a JSON object");
    }
    String id = text(event, "id");
    String type = text(event, "type");
    if (id == null || !id.startsWith("evt_") || type == null) {
      throw new Rejected("not a Stripe event (id and type are required)");
    }
    JsonObject data = event.getValue("data") instanceof JsonObject json ? json : null;
    JsonObject object = data != null && data.getValue("object") instanceof JsonObject json ? json : null;
    if (object == null) {
      throw new Rejected("event has no data.object");
    }
    return new WebhookEvent(id, type, text(event, "api_version"), object);
  }

  private static String text(JsonObject json, String key) {
    return json.getValue(key) instanceof String text ? text : null;
  }

  /** The Checkout Session id, for checkout.session.* events; null otherwise. */
  public String checkoutSessionId() {
    return "checkout.session".equals(text(object, "object")) ? text(object, "id") : null;
  }
}
