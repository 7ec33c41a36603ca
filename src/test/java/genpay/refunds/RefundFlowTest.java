package genpay.refunds;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The refund state machine and the webhook reading, without Vert.x: every pair of states, every answer. */
class RefundFlowTest {

  @Test
  void everyMoveIsAllowedExactlyWhereTheTableSays() {
    Set<String> allowed = Set.of(
        "OWED>PENDING", "OWED>REQUIRES_ACTION", "OWED>SUCCEEDED", "OWED>FAILED", "OWED>CANCELED",
        "PENDING>REQUIRES_ACTION", "PENDING>SUCCEEDED", "PENDING>FAILED", "PENDING>CANCELED",
        "REQUIRES_ACTION>PENDING", "REQUIRES_ACTION>SUCCEEDED", "REQUIRES_ACTION>FAILED", "REQUIRES_ACTION>CANCELED",
        "SUCCEEDED>FAILED");
    for (RefundStatus from : RefundStatus.values()) {
      for (RefundStatus to : RefundStatus.values()) {
        assertEquals(allowed.contains(from + ">" + to), RefundFlow.allowed(from, to), from + " -> " + to);
        assertEquals(RefundFlow.allowed(from, to), RefundFlow.sourcesOf(to).contains(from),
            "the store's compare-and-set accepts exactly the table's sources: " + from + " -> " + to);
      }
    }
  }

  @Test
  void nothingLeadsBackToOwedAndEndedRefundsStayEnded() {
    assertEquals(EnumSet.noneOf(RefundStatus.class), RefundFlow.sourcesOf(RefundStatus.OWED));
    for (RefundStatus to : RefundStatus.values()) {
      assertFalse(RefundFlow.allowed(RefundStatus.FAILED, to));
      assertFalse(RefundFlow.allowed(RefundStatus.CANCELED, to));
    }
  }

  @Test
  void onlyRefundsOnTheirWayOrBackCountInTheOrdersTotal() {
    assertEquals(EnumSet.of(RefundStatus.PENDING, RefundStatus.REQUIRES_ACTION, RefundStatus.SUCCEEDED),
        EnumSet.copyOf(List.of(RefundStatus.values()).stream().filter(RefundFlow::counted).toList()));
  }

  @Test
  void stripesAnswerDecidesWhatIsRecorded() {
    assertEquals(RefundFlow.Decision.RECORD, RefundFlow.onCreateAnswer(true, false));
    assertEquals(RefundFlow.Decision.TRY_AGAIN_LATER, RefundFlow.onCreateAnswer(false, false));
    assertEquals(RefundFlow.Decision.RECORD_FAILED, RefundFlow.onCreateAnswer(false, true));
    assertEquals(RefundStatus.SUCCEEDED, RefundStatus.fromStripe("succeeded"));
    assertEquals(RefundStatus.REQUIRES_ACTION, RefundStatus.fromStripe("requires_action"));
    assertEquals(RefundStatus.PENDING, RefundStatus.fromStripe("something_new"));
  }

  @Test
  void theStoreCommandCarriesTheTablesSourcesAndCountedStates() {
    JsonObject command = RefundCommands.record("file-1", RefundStatus.SUCCEEDED, "re_1", null);
    assertEquals("succeeded", command.getString("to"));
    assertEquals(new JsonArray(List.of("owed", "pending", "requires_action")), command.getJsonArray("from"));
    assertEquals(new JsonArray(List.of("pending", "requires_action", "succeeded")), command.getJsonArray("counted"));
    assertEquals("re_1", command.getString("refundId"));
    assertFalse(command.containsKey("error"));
  }

  @Test
  void webhooksNameTheFilesOfTheRefundsThisEngineMade() {
    JsonObject mine = new JsonObject().put("id", "re_1").put("object", "refund").put("status", "succeeded")
        .put("metadata", new JsonObject().put("file_id", "f-1"));
    JsonObject foreign = new JsonObject().put("id", "re_2").put("object", "refund").put("status", "succeeded")
        .put("metadata", new JsonObject());
    assertEquals(List.of(new RefundEvents.Reported("f-1", "re_1", RefundStatus.SUCCEEDED)),
        RefundEvents.reported(mine));
    JsonObject charge = new JsonObject().put("object", "charge").put("refunds", new JsonObject()
        .put("data", new JsonArray().add(mine).add(foreign)));
    assertEquals(1, RefundEvents.reported(charge).size(), "a refund made by hand in the dashboard is left alone");
    assertTrue(RefundEvents.reported(new JsonObject().put("object", "charge")).isEmpty(),
        "a charge that does not list its refunds names none");
    assertTrue(RefundEvents.handled("charge.refunded"));
    assertTrue(RefundEvents.handled("refund.updated"));
    assertFalse(RefundEvents.handled("charge.succeeded"));
  }
}
