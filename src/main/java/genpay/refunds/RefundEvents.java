package genpay.refunds;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** What Stripe's refund webhooks say of the refunds the engine made: each refund's file, id and status. */
public final class RefundEvents {

  private static final Set<String> TYPES = Set.of("charge.refunded", "charge.refund.updated", "refund.created",
      "refund.updated", "refund.failed");

  /** One refund Stripe reported, for the file named in its metadata. */
  public record Reported(String fileId, String refundId, RefundStatus status) {
  }

  private RefundEvents() {
  }

  public static boolean handled(String type) {
    return TYPES.contains(type);
  }

  /**
   * The refunds an event carries: a refund object, or a charge with its refunds listed (API versions that
   * no longer list them send refund.* events too). Refunds not made by this engine (no file_id) are left out.
   */
  public static List<Reported> reported(JsonObject object) {
    List<Reported> reported = new ArrayList<>();
    if ("refund".equals(object.getValue("object"))) {
      add(object, reported);
    } else if (object.getValue("refunds") instanceof JsonObject list && list.getValue("data") instanceof JsonArray data) {
      for (Object refund : data) {
        if (refund instanceof JsonObject json) {
          add(json, reported);
        }
      }
    }
    return reported;
  }

  private static void add(JsonObject refund, List<Reported> reported) {
    Object metadata = refund.getValue("metadata");
    Object fileId = metadata instanceof JsonObject json ? json.getValue("file_id") : null;
    Object id = refund.getValue("id");
    if (fileId instanceof String file && !file.isEmpty() && id instanceof String refundId) {
      Object status = refund.getValue("status");
      reported.add(new Reported(file, refundId, RefundStatus.fromStripe(status instanceof String s ? s : null)));
    }
  }
}
