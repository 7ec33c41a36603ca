package genpay.llm;

import genpay.config.ConfigException;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Fault rates the gemini and ollama sandboxes inject, parsed from e.g. {@code gemini_fail=1.0,ollama_429=0.1}:
 * {@code fail} answers 500 (a provider that keeps failing, retried), {@code 429} too many requests (retried),
 * {@code 400} a refused request (final).
 */
public record LlmFaults(Map<String, Rates> byProvider) {

  public static final String SETTING = "SANDBOX_LLM_FAULTS";
  private static final Set<String> KINDS = Set.of("fail", "429", "400");
  public static final LlmFaults NONE = new LlmFaults(Map.of());

  public record Rates(double fail, double tooManyRequests, double badRequest) {
    static final Rates NONE = new Rates(0, 0, 0);
  }

  public static LlmFaults parse(String spec) {
    if (spec == null || spec.isBlank()) {
      return NONE;
    }
    Map<String, Map<String, Double>> rates = new HashMap<>();
    for (String part : spec.split(",")) {
      String[] kv = part.trim().split("=", 2);
      String[] name = kv[0].trim().split("_", 2);
      if (kv.length != 2 || name.length != 2 || !ProvidersConfig.KNOWN.contains(name[0]) || !KINDS.contains(name[1])) {
        throw new ConfigException(SETTING, "must be a list like gemini_fail=1.0,ollama_429=0.1 (kinds fail, 429, 400)");
      }
      double rate;
      try {
        rate = Double.parseDouble(kv[1].trim());
      } catch (NumberFormatException e) {
        rate = -1;
      }
      if (!(rate >= 0 && rate <= 1)) {
        throw new ConfigException(SETTING, "rates must be numbers from 0 to 1 (got \"" + kv[1].trim() + "\")");
      }
      rates.computeIfAbsent(name[0], p -> new HashMap<>()).put(name[1], rate);
    }
    Map<String, Rates> byProvider = new HashMap<>();
    rates.forEach((provider, kinds) -> {
      if (kinds.values().stream().mapToDouble(Double::doubleValue).sum() > 1) {
        throw new ConfigException(SETTING, "the rates of " + provider + " must add up to at most 1");
      }
      byProvider.put(provider, new Rates(kinds.getOrDefault("fail", 0.0), kinds.getOrDefault("429", 0.0),
          kinds.getOrDefault("400", 0.0)));
    });
    return new LlmFaults(Map.copyOf(byProvider));
  }

  public Rates of(String provider) {
    return byProvider.getOrDefault(provider, Rates.NONE);
  }
}
