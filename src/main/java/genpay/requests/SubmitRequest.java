package genpay.requests;

import genpay.web.InvalidInput;
import io.vertx.core.json.JsonObject;

import java.util.Set;
import java.util.regex.Pattern;

/** The body of {@code POST /api/generation-requests}: {@code {hostname, provider, locale?}}, checked. */
record SubmitRequest(String hostname, String provider, String locale) {

  private static final Pattern PROVIDER = Pattern.compile("^[a-z0-9_-]{1,40}$");
  private static final Pattern LOCALE = Pattern.compile("^[a-z]{2}(-[A-Z]{2})?$");

  /** {@code providers}: those configured; another name is refused before any site is read for it. */
  static SubmitRequest parse(JsonObject body, boolean allowPrivateSites, Set<String> providers) {
    String hostname = Hostnames.parse(text(body, "hostname"), allowPrivateSites);
    String provider = text(body, "provider");
    if (provider == null || !PROVIDER.matcher(provider).matches()) {
      throw new InvalidInput("provider", "A provider is required, such as gemini or ollama.");
    }
    if (!providers.contains(provider)) {
      throw new InvalidInput("provider", "Unknown provider " + provider + "; this engine offers "
          + String.join(", ", new java.util.TreeSet<>(providers)) + ".");
    }
    String locale = body.getValue("locale") == null ? "en" : text(body, "locale");
    if (locale == null || !LOCALE.matcher(locale).matches()) {
      throw new InvalidInput("locale", "A locale looks like en or de.");
    }
    return new SubmitRequest(hostname, provider, locale);
  }

  JsonObject toJson() {
    return new JsonObject().put("hostname", hostname).put("provider", provider).put("locale", locale);
  }

  private static String text(JsonObject body, String name) {
    return body.getValue(name) instanceof String text ? text : null;
  }
}
