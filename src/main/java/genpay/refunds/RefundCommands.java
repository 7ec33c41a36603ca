package genpay.refunds;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Arrays;

/** The store's refund command, filled in from the state machine: one place builds it for the issuer and webhooks. */
public final class RefundCommands {

  private RefundCommands() {
  }

  public static JsonObject record(String fileId, RefundStatus to, String refundId, String error) {
    JsonObject command = new JsonObject().put("fileId", fileId).put("to", to.wire())
        .put("from", wires(RefundFlow.sourcesOf(to).toArray(RefundStatus[]::new)))
        .put("counted", wires(Arrays.stream(RefundStatus.values()).filter(RefundFlow::counted)
            .toArray(RefundStatus[]::new)));
    if (refundId != null) {
      command.put("refundId", refundId);
    }
    if (error != null) {
      command.put("error", error);
    }
    return command;
  }

  private static JsonArray wires(RefundStatus[] statuses) {
    JsonArray array = new JsonArray();
    for (RefundStatus status : statuses) {
      array.add(status.wire());
    }
    return array;
  }
}
