package genpay.llm;

import genpay.config.ConfigException;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The {@code generation} object of conf/application.json: the providers a generation request may use, each with
 * its price per URL, and how many pages one request works on at once. Without it, section 16's defaults apply.
 */
public record ProvidersConfig(Map<String, Provider> providers, int pageConcurrency) {

  public static final String KEY = "generation";
  public static final String GEMINI = "gemini";
  public static final String OLLAMA = "ollama";
  /** The providers this engine has a client for. */
  public static final Set<String> KNOWN = Set.of(GEMINI, OLLAMA);
  private static final Set<String> FIELDS = Set.of("providers", "pageConcurrency");
  private static final Set<String> PROVIDER_FIELDS = Set.of("perUrl", "currency", "model", "paid");

  /** One provider's terms: {@code perUrl} in major units (0.00097 EUR), {@code paid} whether Checkout is needed. */
  public record Provider(String name, BigDecimal perUrl, String currency, String model, boolean paid) {
  }

  public static ProvidersConfig defaults() {
    Map<String, Provider> providers = new LinkedHashMap<>();
    providers.put(GEMINI, new Provider(GEMINI, new BigDecimal("0.00097"), "eur", "gemini-2.5-flash", true));
    providers.put(OLLAMA, new Provider(OLLAMA, BigDecimal.ZERO, "eur", "llama3.2", false));
    return new ProvidersConfig(Map.copyOf(providers), 8);
  }

  /** {@code value} is the file's {@code generation} entry, or null for the defaults. */
  public static ProvidersConfig from(Object value) {
    if (value == null) {
      return defaults();
    }
    if (!(value instanceof JsonObject object)) {
      throw new ConfigException(KEY, "must be a JSON object with providers and pageConcurrency");
    }
    for (String field : object.fieldNames()) {
      if (!FIELDS.contains(field)) {
        throw new ConfigException(KEY + "." + field, "is not a generation setting (providers, pageConcurrency)");
      }
    }
    Map<String, Provider> providers = defaults().providers();
    Object listed = object.getValue("providers");
    if (listed != null) {
      if (!(listed instanceof JsonObject table)) {
        throw new ConfigException(KEY + ".providers", "must be a JSON object of providers (gemini, ollama)");
      }
      Map<String, Provider> parsed = new LinkedHashMap<>();
      for (String name : table.fieldNames()) {
        parsed.put(name, provider(name, table.getValue(name)));
      }
      if (parsed.isEmpty()) {
        throw new ConfigException(KEY + ".providers", "must name at least one provider (gemini, ollama)");
      }
      providers = Map.copyOf(parsed);
    }
    int concurrency = 8;
    Object raw = object.getValue("pageConcurrency");
    if (raw != null) {
      if (!(raw instanceof Number number) || number.doubleValue() != Math.rint(number.doubleValue())
          || number.intValue() < 1 || number.intValue() > 64) {
        throw new ConfigException(KEY + ".pageConcurrency", "must be a whole number from 1 to 64 (got " + raw + ")");
      }
      concurrency = number.intValue();
    }
    return new ProvidersConfig(providers, concurrency);
  }

  /** The provider of that name, or null when it is not configured. */
  public Provider provider(String name) {
    return providers.get(name);
  }

  private static Provider provider(String name, Object value) {
    String where = KEY + ".providers." + name;
    if (!KNOWN.contains(name)) {
      throw new ConfigException(where, "is not a provider genpay knows (gemini, ollama)");
    }
    if (!(value instanceof JsonObject fields)) {
      throw new ConfigException(where, "must be a JSON object with perUrl, currency, model and paid");
    }
    for (String field : fields.fieldNames()) {
      if (!PROVIDER_FIELDS.contains(field)) {
        throw new ConfigException(where + "." + field, "is not a provider setting (perUrl, currency, model, paid)");
      }
    }
    BigDecimal perUrl;
    try {
      perUrl = new BigDecimal(String.valueOf(fields.getValue("perUrl")));
    } catch (NumberFormatException e) {
      perUrl = null;
    }
    if (perUrl == null || perUrl.signum() < 0 || !(fields.getValue("perUrl") instanceof Number)) {
      throw new ConfigException(where + ".perUrl", "must be a number of at least 0 (the price of one URL)");
    }
    String currency = String.valueOf(fields.getValue("currency", "")).toLowerCase(Locale.ROOT);
    if (!currency.matches("^[a-z]{3}$")) {
      throw new ConfigException(where + ".currency", "must be a three-letter ISO currency code");
    }
    String model = fields.getValue("model") instanceof String text ? text.trim() : "";
    // The model becomes part of a URL path: a name, never a path of its own.
    if (!model.matches("^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$")) {
      throw new ConfigException(where + ".model", "must be a model name such as gemini-2.5-flash or llama3.2");
    }
    if (!(fields.getValue("paid") instanceof Boolean paid)) {
      throw new ConfigException(where + ".paid", "must be true or false");
    }
    if (paid != (perUrl.signum() > 0)) {
      throw new ConfigException(where + ".paid", "must be true exactly when perUrl is above 0");
    }
    return new Provider(name, perUrl, currency, model, paid);
  }
}
