package genpay.stripe;

import io.vertx.core.json.JsonObject;

import java.util.Map;

/** Reading the sandbox's form and query values the way Stripe validates them. */
final class FormNumbers {

  private FormNumbers() {
  }

  /** An epoch-seconds parameter; {@code optional} ones default to the real now. */
  static long epoch(Map<String, String> form, String name, boolean optional) {
    String raw = form.get(name);
    if (raw == null || raw.isEmpty()) {
      if (optional) {
        return System.currentTimeMillis() / 1000;
      }
      throw SandboxError.invalid("parameter_missing", "Missing required param: " + name + ".");
    }
    try {
      long value = Long.parseLong(raw);
      if (value < 0) {
        throw new NumberFormatException();
      }
      return value;
    } catch (NumberFormatException e) {
      throw SandboxError.invalid("parameter_invalid_integer", "Invalid integer: " + raw);
    }
  }

  /** {@code prefix[key]=value} pairs as an object. */
  static JsonObject metadata(Map<String, String> form, String prefix) {
    JsonObject metadata = new JsonObject();
    String open = prefix + "[";
    form.forEach((name, value) -> {
      if (name.startsWith(open) && name.endsWith("]")) {
        metadata.put(name.substring(open.length(), name.length() - 1), value);
      }
    });
    return metadata;
  }

  /** Stripe's list limit: 1 to 100, 10 when absent. */
  static int limit(String raw) {
    if (raw == null || raw.isEmpty()) {
      return 10;
    }
    try {
      int limit = Integer.parseInt(raw);
      if (limit < 1 || limit > 100) {
        throw new NumberFormatException();
      }
      return limit;
    } catch (NumberFormatException e) {
      throw SandboxError.invalid("parameter_invalid_integer", "limit must be a whole number from 1 to 100.");
    }
  }
}
