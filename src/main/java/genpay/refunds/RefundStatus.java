package genpay.refunds;

import java.util.Locale;

/**
 * Where a video's refund stands: {@code owed} from the moment its file ends failed or timed out, then what
 * Stripe says of the refund it made.
 */
public enum RefundStatus {
  OWED, PENDING, REQUIRES_ACTION, SUCCEEDED, FAILED, CANCELED;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Stripe's refund status; anything unknown is treated as still pending. */
  public static RefundStatus fromStripe(String status) {
    if (status == null) {
      return PENDING;
    }
    return switch (status) {
      case "succeeded" -> SUCCEEDED;
      case "failed" -> FAILED;
      case "canceled" -> CANCELED;
      case "requires_action" -> REQUIRES_ACTION;
      default -> PENDING;
    };
  }
}
