package genpay.credits;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Credits are counted in integer hundredths inside (a long: no rounding ever); JSON carries them as numbers with
 * at most two decimals ({@code 12.5}), never strings.
 */
public final class Credits {

  private Credits() {
  }

  /** {@code 1250 → 12.5}: a double prints its shortest exact decimal, so two decimals stay two decimals. */
  public static double toJson(long hundredths) {
    return hundredths / 100.0;
  }

  /** A JSON number (or its text) with at most two decimals into hundredths; anything else is refused. */
  public static long parse(Object value) {
    if (value == null) {
      throw new IllegalArgumentException("is missing");
    }
    BigDecimal decimal;
    try {
      decimal = new BigDecimal(value.toString().trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("must be a number (got \"" + value + "\")");
    }
    try {
      return decimal.setScale(2, RoundingMode.UNNECESSARY).movePointRight(2).longValueExact();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("must have at most two decimals (got " + value + ")");
    }
  }

  /** For logs and descriptions: {@code 1250 → "12.50"}. */
  public static String format(long hundredths) {
    return BigDecimal.valueOf(hundredths, 2).toPlainString();
  }
}
