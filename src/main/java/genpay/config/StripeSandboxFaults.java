package genpay.config;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Faults the Stripe sandbox injects, for crash drills, parsed from e.g. {@code refund_timeout=1}: the share of
 * refunds it makes without ever answering.
 */
public record StripeSandboxFaults(double refundTimeout) {

  public static final StripeSandboxFaults NONE = new StripeSandboxFaults(0);

  public static StripeSandboxFaults parse(String spec) {
    if (spec == null || spec.isBlank()) {
      return NONE;
    }
    double refundTimeout = 0;
    for (String part : spec.split(",")) {
      String[] kv = part.trim().split("=", 2);
      if (kv.length != 2 || !"refund_timeout".equals(kv[0].trim())) {
        throw new ConfigException("SANDBOX_STRIPE_FAULTS", "must be a list like refund_timeout=0.1");
      }
      try {
        refundTimeout = Double.parseDouble(kv[1].trim());
      } catch (NumberFormatException e) {
        refundTimeout = -1;
      }
      if (refundTimeout < 0 || refundTimeout > 1) {
        throw new ConfigException("SANDBOX_STRIPE_FAULTS", "rates must be numbers from 0 to 1");
      }
    }
    return new StripeSandboxFaults(refundTimeout);
  }

  public boolean rollRefundTimeout() {
    return refundTimeout > 0 && ThreadLocalRandom.current().nextDouble() < refundTimeout;
  }
}
