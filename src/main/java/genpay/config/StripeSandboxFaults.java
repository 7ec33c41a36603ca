package genpay.config;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Faults the Stripe sandbox injects, for crash and alert drills, parsed from e.g. {@code refund_timeout=1}: the
 * share of refunds it makes without ever answering; {@code refund_error=1}: the share it answers with a 500
 * api_error without making them (Stripe having trouble: the engine tries again later).
 */
public record StripeSandboxFaults(double refundTimeout, double refundError) {

  public static final StripeSandboxFaults NONE = new StripeSandboxFaults(0, 0);

  public static StripeSandboxFaults parse(String spec) {
    if (spec == null || spec.isBlank()) {
      return NONE;
    }
    double refundTimeout = 0;
    double refundError = 0;
    for (String part : spec.split(",")) {
      String[] kv = part.trim().split("=", 2);
      String name = kv[0].trim();
      if (kv.length != 2 || !("refund_timeout".equals(name) || "refund_error".equals(name))) {
        throw new ConfigException("SANDBOX_STRIPE_FAULTS", "must be a list like refund_timeout=0.1,refund_error=0.1");
      }
      double rate;
      try {
        rate = Double.parseDouble(kv[1].trim());
      } catch (NumberFormatException e) {
        rate = -1;
      }
      if (rate < 0 || rate > 1) {
        throw new ConfigException("SANDBOX_STRIPE_FAULTS", "rates must be numbers from 0 to 1");
      }
      if ("refund_timeout".equals(name)) {
        refundTimeout = rate;
      } else {
        refundError = rate;
      }
    }
    return new StripeSandboxFaults(refundTimeout, refundError);
  }

  public boolean rollRefundTimeout() {
    return refundTimeout > 0 && ThreadLocalRandom.current().nextDouble() < refundTimeout;
  }

  public boolean rollRefundError() {
    return refundError > 0 && ThreadLocalRandom.current().nextDouble() < refundError;
  }
}
