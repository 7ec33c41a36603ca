package genpay.billing;

import java.util.ArrayList;
import java.util.List;

/**
 * The subscription as the engine sees it, as one pure step: what the account held ({@code previous}, perhaps none)
 * and what Stripe now says ({@code observed}) give the state to keep and the actions to perform. Stripe's word is
 * the truth, so every status may follow every other; what a status does is fixed here:
 * <ul>
 *   <li>active, trialing, past_due: the account has the plan of the subscription's price;
 *   <li>incomplete, incomplete_expired, unpaid, canceled, paused (or unknown): the account is back on free;
 *   <li>past_due: the owner is mailed about the failed invoice (the latest), once per invoice.
 * </ul>
 * A retrieve older than the state kept ({@code syncedAt}) changes nothing and does nothing. The verticle performs
 * the actions; the store's script applies the same syncedAt guard atomically.
 */
public final class SubscriptionMachine {

  public static final String FREE = "free";

  private SubscriptionMachine() {
  }

  public sealed interface Action permits SetPlan, MailPaymentFailed {
  }

  /** The account's plan, written with the state's syncedAt so that an older sync never overwrites it. */
  public record SetPlan(String plan, long syncedAt) implements Action {
  }

  /** The outbox cause {@code subscription-payment-failed:{invoiceId}}. */
  public record MailPaymentFailed(String invoiceId) implements Action {
  }

  /** {@code entered}: the status differs from the one kept (or there was none): for the log. */
  public record Step(SubscriptionState state, List<Action> actions, boolean entered, boolean stale) {
  }

  public static Step next(SubscriptionState previous, SubscriptionState observed) {
    boolean same = previous != null && previous.subscriptionId().equals(observed.subscriptionId());
    if (same && observed.syncedAt() <= previous.syncedAt()) {
      return new Step(previous, List.of(), false, true);
    }
    List<Action> actions = new ArrayList<>();
    SubscriptionStatus status = observed.status();
    actions.add(new SetPlan(status.keepsPlan() && observed.plan() != null ? observed.plan() : FREE,
        observed.syncedAt()));
    if (status.mailsPaymentFailed() && observed.latestInvoice() != null) {
      actions.add(new MailPaymentFailed(observed.latestInvoice()));
    }
    boolean entered = !same || previous.status() != status;
    return new Step(observed, List.copyOf(actions), entered, false);
  }
}
