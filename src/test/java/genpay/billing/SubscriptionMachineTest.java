package genpay.billing;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every status after every status (and after none): the plan it gives, the mail it sends, stale retrieves. */
class SubscriptionMachineTest {

  static SubscriptionState state(String id, SubscriptionStatus status, String plan, long syncedAt) {
    return new SubscriptionState(id, "cus_1", plan, "monthly", status, false, 100, 200, null, "in_latest",
        "si_1", "price_sandbox_" + plan + "_monthly", 50, syncedAt);
  }

  @Test
  void eachStatusGivesItsPlanAndPastDueMailsTheFailedInvoiceWhateverCameBefore() {
    List<SubscriptionStatus> live = List.of(SubscriptionStatus.ACTIVE, SubscriptionStatus.TRIALING,
        SubscriptionStatus.PAST_DUE);
    for (SubscriptionStatus before : SubscriptionStatus.values()) {
      for (SubscriptionStatus after : SubscriptionStatus.values()) {
        for (SubscriptionState previous : new SubscriptionState[] {null, state("sub_1", before, "pro", 10)}) {
          SubscriptionMachine.Step step = SubscriptionMachine.next(previous, state("sub_1", after, "enterprise", 20));
          String plan = live.contains(after) ? "enterprise" : "free";
          List<SubscriptionMachine.Action> expected = after == SubscriptionStatus.PAST_DUE
              ? List.of(new SubscriptionMachine.SetPlan(plan, 20), new SubscriptionMachine.MailPaymentFailed("in_latest"))
              : List.of(new SubscriptionMachine.SetPlan(plan, 20));
          assertEquals(expected, step.actions(), before + " → " + after);
          assertEquals(previous == null || before != after, step.entered(), before + " → " + after);
          assertFalse(step.stale());
        }
      }
    }
  }

  @Test
  void anOlderRetrieveOfTheSameSubscriptionChangesNothing() {
    SubscriptionState kept = state("sub_1", SubscriptionStatus.CANCELED, "pro", 500);
    for (long older : new long[] {499, 500}) {
      SubscriptionMachine.Step step = SubscriptionMachine.next(kept, state("sub_1", SubscriptionStatus.ACTIVE, "pro",
          older));
      assertTrue(step.stale());
      assertEquals(kept, step.state());
      assertTrue(step.actions().isEmpty(), "an active seen before the cancel must not bring the plan back");
    }
  }

  @Test
  void aPriceNoPlanSellsGivesFree() {
    SubscriptionMachine.Step step = SubscriptionMachine.next(null, state("sub_1", SubscriptionStatus.ACTIVE, null, 1));
    assertEquals(List.of(new SubscriptionMachine.SetPlan("free", 1)), step.actions());
  }
}
