package genpay.sessions;

import java.util.Locale;
import java.util.Set;

/** An order's life: pending -> processing -> completed | error, pending -> expired, pending -> error. */
public enum SessionStatus {
  PENDING, PROCESSING, COMPLETED, ERROR, EXPIRED;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public boolean terminal() {
    return this == COMPLETED || this == ERROR || this == EXPIRED;
  }

  /** The statuses a session may be in for a move to {@code target}; anything else makes the move a no-op. */
  public static Set<SessionStatus> allowedBefore(SessionStatus target) {
    return switch (target) {
      case PENDING -> Set.of();
      case PROCESSING, EXPIRED -> Set.of(PENDING);
      case COMPLETED -> Set.of(PROCESSING);
      case ERROR -> Set.of(PENDING, PROCESSING);
    };
  }

  public static SessionStatus fromWire(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}
