package genpay.refunds;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The life of one refund as a plain state machine. The moves allowed are this table and nothing else; the
 * session store applies each move with a compare-and-set on the states {@link #sourcesOf} names, so a late
 * or repeated word from Stripe can never move a refund back, and the order's refunded total moves with it.
 * <pre>
 * OWED ──Stripe made it──▶ PENDING ⇄ REQUIRES_ACTION ──▶ SUCCEEDED ──(rare)──▶ FAILED
 *   │                          └────────────┴──────────▶ FAILED | CANCELED
 *   └──refused for good (nothing left to refund, no such payment)──▶ FAILED
 * </pre>
 */
public final class RefundFlow {

  private static final Map<RefundStatus, Set<RefundStatus>> NEXT = new EnumMap<>(RefundStatus.class);

  static {
    NEXT.put(RefundStatus.OWED, EnumSet.of(RefundStatus.PENDING, RefundStatus.REQUIRES_ACTION,
        RefundStatus.SUCCEEDED, RefundStatus.FAILED, RefundStatus.CANCELED));
    NEXT.put(RefundStatus.PENDING, EnumSet.of(RefundStatus.REQUIRES_ACTION, RefundStatus.SUCCEEDED,
        RefundStatus.FAILED, RefundStatus.CANCELED));
    NEXT.put(RefundStatus.REQUIRES_ACTION, EnumSet.of(RefundStatus.PENDING, RefundStatus.SUCCEEDED,
        RefundStatus.FAILED, RefundStatus.CANCELED));
    // Stripe can report a refund failed after it succeeded (the card was closed meanwhile).
    NEXT.put(RefundStatus.SUCCEEDED, EnumSet.of(RefundStatus.FAILED));
    NEXT.put(RefundStatus.FAILED, EnumSet.noneOf(RefundStatus.class));
    NEXT.put(RefundStatus.CANCELED, EnumSet.noneOf(RefundStatus.class));
  }

  /** What the issuer does with Stripe's answer to creating the refund. */
  public enum Decision {
    /** Record Stripe's status for the refund it made. */
    RECORD,
    /** Stripe could not be reached or was busy: the refund stays owed and is tried again after its lease. */
    TRY_AGAIN_LATER,
    /** Stripe refused for good: the refund is recorded failed, for an operator to look at. */
    RECORD_FAILED
  }

  private RefundFlow() {
  }

  public static boolean allowed(RefundStatus from, RefundStatus to) {
    return NEXT.get(from).contains(to);
  }

  /** The states from which {@code target} may be reached: what the store's compare-and-set accepts. */
  public static Set<RefundStatus> sourcesOf(RefundStatus target) {
    Set<RefundStatus> sources = EnumSet.noneOf(RefundStatus.class);
    NEXT.forEach((from, targets) -> {
      if (targets.contains(target)) {
        sources.add(from);
      }
    });
    return sources;
  }

  /** The money is on its way back or back: these count in the order's refunded total. */
  public static boolean counted(RefundStatus status) {
    return status == RefundStatus.PENDING || status == RefundStatus.REQUIRES_ACTION
        || status == RefundStatus.SUCCEEDED;
  }

  /** Stripe's answer to the create call: it made a refund, or it refused, for now or for good. */
  public static Decision onCreateAnswer(boolean made, boolean refusedForGood) {
    if (made) {
      return Decision.RECORD;
    }
    return refusedForGood ? Decision.RECORD_FAILED : Decision.TRY_AGAIN_LATER;
  }
}
