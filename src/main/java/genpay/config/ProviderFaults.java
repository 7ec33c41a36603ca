package genpay.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Fault rates the provider sandbox injects, parsed from e.g. {@code 5xx=0.1,429=0.05,timeout=0.02,fail=0.05}. */
public record ProviderFaults(double serverError, double tooManyRequests, double timeout, double fail) {

  private static final Set<String> KINDS = Set.of("5xx", "429", "timeout", "fail");

  public static final ProviderFaults NONE = new ProviderFaults(0, 0, 0, 0);

  public static ProviderFaults parse(String spec) {
    if (spec == null || spec.isBlank()) {
      return NONE;
    }
    Map<String, Double> rates = new LinkedHashMap<>();
    for (String part : spec.split(",")) {
      String[] kv = part.trim().split("=", 2);
      if (kv.length != 2 || !KINDS.contains(kv[0].trim())) {
        throw new ConfigException("SANDBOX_PROVIDER_FAULTS", "must be a list like 5xx=0.1,429=0.05,timeout=0.02,fail=0.05");
      }
      double rate;
      try {
        rate = Double.parseDouble(kv[1].trim());
      } catch (NumberFormatException e) {
        rate = -1;
      }
      if (rate < 0 || rate > 1) {
        throw new ConfigException("SANDBOX_PROVIDER_FAULTS", "rates must be numbers from 0 to 1 (got \"" + kv[1].trim() + "\")");
      }
      rates.put(kv[0].trim(), rate);
    }
    double total = rates.values().stream().mapToDouble(Double::doubleValue).sum();
    if (total > 1) {
      throw new ConfigException("SANDBOX_PROVIDER_FAULTS", "rates must add up to at most 1");
    }
    return new ProviderFaults(rates.getOrDefault("5xx", 0.0), rates.getOrDefault("429", 0.0),
        rates.getOrDefault("timeout", 0.0), rates.getOrDefault("fail", 0.0));
  }
}
