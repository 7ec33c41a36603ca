package genpay.credits;

import java.util.Locale;

/** The {@code type} of a ledger entry, with what its {@code source_id} names. */
public enum EntryType {
  PURCHASE("checkout_session", true),
  BONUS("checkout_session", true),
  SUBSCRIPTION_GRANT("invoice", true),
  FREE_GRANT("account_month", true),
  USAGE("order", false),
  REFUND("file", false),
  EXPIRY("bucket", false),
  ADJUSTMENT("operator", true);

  private final String source;
  private final boolean grant;

  EntryType(String source, boolean grant) {
    this.source = source;
    this.grant = grant;
  }

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public String source() {
    return source;
  }

  /** Made by {@link Ledger#grant}: a bucket of its own. */
  public boolean grant() {
    return grant;
  }

  public static EntryType fromWire(String text) {
    for (EntryType type : values()) {
      if (type.wire().equals(text)) {
        return type;
      }
    }
    throw new IllegalArgumentException("unknown entry type \"" + text + "\"");
  }
}
