package genpay.sessions;

import java.util.Locale;

/** A file's life: pending -> in_progress -> completed | failed | timeout. */
public enum FileStatus {
  PENDING, IN_PROGRESS, COMPLETED, FAILED, TIMEOUT;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Further along than {@code other}: the constants are declared in the order a file moves through them. */
  public boolean after(FileStatus other) {
    return ordinal() > other.ordinal();
  }

  public boolean terminal() {
    return this == COMPLETED || this == FAILED || this == TIMEOUT;
  }

  public static FileStatus fromWire(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}
