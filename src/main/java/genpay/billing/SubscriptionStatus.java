package genpay.billing;

import java.util.Locale;

/**
 * A subscription's status as Stripe gives it, and what the engine makes of each: a live status keeps the plan of the
 * subscription's price, every other puts the account back on free (purchased credits stay), and past_due tells the
 * owner that a payment failed.
 */
public enum SubscriptionStatus {
  /** Checkout made it, the first payment has not gone through. */
  INCOMPLETE(false),
  /** The first payment never went through. */
  INCOMPLETE_EXPIRED(false),
  TRIALING(true),
  ACTIVE(true),
  /** A renewal failed; Stripe retries. The plan stays meanwhile. */
  PAST_DUE(true),
  /** Stripe gave up and keeps the subscription unpaid. */
  UNPAID(false),
  CANCELED(false),
  PAUSED(false),
  /** A status this engine does not know (a newer API): treated as not paid for. */
  UNKNOWN(false);

  private final boolean keepsPlan;

  SubscriptionStatus(boolean keepsPlan) {
    this.keepsPlan = keepsPlan;
  }

  /** Active, trialing or past_due: the account has the subscription's plan. */
  public boolean keepsPlan() {
    return keepsPlan;
  }

  /** The owner is told that a payment failed (once per invoice: the mail outbox keeps each cause once). */
  public boolean mailsPaymentFailed() {
    return this == PAST_DUE;
  }

  /** Canceled, expired or unpaid: over for good; a new checkout may start another subscription. */
  public boolean ended() {
    return this == CANCELED || this == INCOMPLETE_EXPIRED || this == UNPAID;
  }

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static SubscriptionStatus fromWire(String text) {
    for (SubscriptionStatus status : values()) {
      if (status.wire().equals(text)) {
        return status;
      }
    }
    return UNKNOWN;
  }
}
