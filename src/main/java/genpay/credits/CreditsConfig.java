package genpay.credits;

import genpay.config.ConfigException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code credits} object of conf/application.json: costs, plans, packages, custom amounts. Without it the
 * built-in defaults (section 14 of the design) apply. Every bad value stops start-up with one line naming it,
 * e.g. {@code Bad configuration: credits.costs.video.base must be ...}.
 */
public record CreditsConfig(String currency, CostTable costs, Map<String, Plan> plans,
                            Map<String, CreditPackage> packages, CustomAmount custom) {

  public static final String KEY = "credits";
  private static final Set<String> TYPES = Set.of("video", "image", "audio");
  private static final Set<String> SECTIONS = Set.of("currency", "costs", "plans", "packages", "custom");

  /** Section 14's numbers, from {@code /credits/defaults.json}. */
  public static CreditsConfig defaults() {
    return parse(defaultsJson());
  }

  public static JsonObject defaultsJson() {
    try (InputStream in = CreditsConfig.class.getResourceAsStream("/credits/defaults.json")) {
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code value} is the file's {@code credits} entry, or null for the defaults. */
  public static CreditsConfig from(Object value) {
    if (value == null) {
      return defaults();
    }
    if (!(value instanceof JsonObject object)) {
      throw new ConfigException(KEY, "must be a JSON object with costs, plans and packages");
    }
    // A section left out keeps its default; a section given replaces it whole.
    JsonObject merged = defaultsJson();
    for (String field : object.fieldNames()) {
      if (!SECTIONS.contains(field)) {
        throw new ConfigException(KEY + "." + field, "is not a credits setting (" + String.join(", ", SECTIONS) + ")");
      }
      merged.put(field, object.getValue(field));
    }
    return parse(merged);
  }

  public Plan plan(String id) {
    return plans.get(id);
  }

  public CreditPackage creditPackage(String id) {
    return packages.get(id);
  }

  private static CreditsConfig parse(JsonObject json) {
    String currency = json.getValue("currency") instanceof String c && c.matches("^[a-z]{3}$") ? c : null;
    if (currency == null) {
      throw new ConfigException("credits.currency", "must be a lower-case three-letter ISO currency code");
    }
    JsonObject costs = object(json, "costs", "credits.costs");
    JsonObject image = object(costs, "image", "credits.costs.image");
    JsonObject quality = object(image, "quality", "credits.costs.image.quality");
    Map<String, Integer> percents = new LinkedHashMap<>();
    for (String name : quality.fieldNames()) {
      percents.put(name, (int) whole(quality, name, "credits.costs.image.quality", 0, 10_000));
    }
    if (!percents.containsKey("sd")) {
      throw new ConfigException("credits.costs.image.quality.sd", "is required (the default quality)");
    }
    JsonObject video = object(costs, "video", "credits.costs.video");
    JsonObject audio = object(costs, "audio", "credits.costs.audio");
    JsonObject storage = object(costs, "storage", "credits.costs.storage");
    CostTable table = new CostTable(
        new CostTable.Image(amount(image, "base", "credits.costs.image", 1), Map.copyOf(percents)),
        new CostTable.Video(amount(video, "base", "credits.costs.video", 1),
            (int) whole(video, "longerThanSeconds", "credits.costs.video", 0, 86_400),
            (int) whole(video, "longerPercent", "credits.costs.video", 0, 10_000)),
        new CostTable.Audio(amount(audio, "base", "credits.costs.audio", 1),
            (int) whole(audio, "perSeconds", "credits.costs.audio", 1, 86_400)),
        new CostTable.Storage(amount(storage, "perGbMonth", "credits.costs.storage", 0)));

    JsonObject plansJson = object(json, "plans", "credits.plans");
    Map<String, Plan> plans = new LinkedHashMap<>();
    for (String id : plansJson.fieldNames()) {
      String at = "credits.plans." + id;
      JsonObject plan = object(plansJson, id, "credits.plans");
      List<String> types = new ArrayList<>();
      if (!(plan.getValue("types") instanceof JsonArray array) || array.isEmpty()) {
        throw new ConfigException(at + ".types", "must be a non-empty list of video, image, audio");
      }
      for (Object type : array) {
        if (!TYPES.contains(type)) {
          throw new ConfigException(at + ".types", "must list only video, image, audio (got \"" + type + "\")");
        }
        types.add((String) type);
      }
      plans.put(id, new Plan(id, amount(plan, "monthlyCredits", at, 0), amount(plan, "monthlyPrice", at, 0),
          amount(plan, "yearlyPrice", at, 0), List.copyOf(types), bool(plan, "priority", at),
          bool(plan, "apiAccess", at), bool(plan, "customModels", at), bool(plan, "sla", at),
          plan.getValue("support") instanceof String s ? s : "", stripePrices(plan, at)));
    }
    if (!plans.containsKey("free")) {
      throw new ConfigException("credits.plans.free", "is required (every account without a subscription has it)");
    }

    JsonObject packagesJson = object(json, "packages", "credits.packages");
    Map<String, CreditPackage> packages = new LinkedHashMap<>();
    for (String id : packagesJson.fieldNames()) {
      String at = "credits.packages." + id;
      JsonObject pack = object(packagesJson, id, "credits.packages");
      packages.put(id, new CreditPackage(id, amount(pack, "credits", at, 1), amount(pack, "bonus", at, 0),
          amount(pack, "price", at, 50)));
    }
    JsonObject custom = object(json, "custom", "credits.custom");
    long min = whole(custom, "min", "credits.custom", 1, 100_000_000);
    long max = whole(custom, "max", "credits.custom", 1, 100_000_000);
    if (max < min) {
      throw new ConfigException("credits.custom.max", "must be at least credits.custom.min");
    }
    return new CreditsConfig(currency, table, Map.copyOf(plans), java.util.Collections.unmodifiableMap(packages),
        new CustomAmount(min, max, amount(custom, "unitPrice", "credits.custom", 1)));
  }

  /**
   * {@code stripePrices: {monthly, yearly}}: Stripe Price ids, each optional and possibly empty (the sandbox's own
   * price then; live Stripe cannot sell that interval).
   */
  private static Map<String, String> stripePrices(JsonObject plan, String at) {
    Object value = plan.getValue("stripePrices");
    if (value == null) {
      return Map.of();
    }
    if (!(value instanceof JsonObject prices)) {
      throw new ConfigException(at + ".stripePrices", "must be a JSON object {\"monthly\": \"price_…\", \"yearly\": \"price_…\"}");
    }
    Map<String, String> ids = new LinkedHashMap<>();
    for (String interval : prices.fieldNames()) {
      if (!Plan.INTERVALS.contains(interval)) {
        throw new ConfigException(at + ".stripePrices." + interval, "is not an interval (monthly, yearly)");
      }
      if (!(prices.getValue(interval) instanceof String id) || !id.matches("^(price_[A-Za-z0-9_]{1,200})?$")) {
        throw new ConfigException(at + ".stripePrices." + interval, "must be a Stripe Price id (price_…) or empty");
      }
      ids.put(interval, id);
    }
    return Map.copyOf(ids);
  }

  private static JsonObject object(JsonObject parent, String field, String at) {
    if (parent.getValue(field) instanceof JsonObject child) {
      return child;
    }
    throw new ConfigException(at.endsWith("." + field) ? at : at + "." + field, "must be a JSON object");
  }

  /** Credits or money with at most two decimals, as hundredths (cents), at least {@code min} hundredths. */
  private static long amount(JsonObject parent, String field, String at, long min) {
    Object value = parent.getValue(field);
    try {
      if (!(value instanceof Number)) {
        throw new IllegalArgumentException("must be a number");
      }
      long hundredths = Credits.parse(value);
      if (hundredths < min) {
        throw new IllegalArgumentException("must be at least " + Credits.format(min));
      }
      return hundredths;
    } catch (IllegalArgumentException e) {
      String problem = e.getMessage();
      throw new ConfigException(at + "." + field, problem.contains("(got") || value == null ? problem
          : problem + " (got " + value + ")");
    }
  }

  private static long whole(JsonObject parent, String field, String at, long min, long max) {
    Object value = parent.getValue(field);
    if (value instanceof Integer || value instanceof Long) {
      long number = ((Number) value).longValue();
      if (number >= min && number <= max) {
        return number;
      }
    }
    throw new ConfigException(at + "." + field, "must be a whole number from " + min + " to " + max
        + " (got " + value + ")");
  }

  private static boolean bool(JsonObject parent, String field, String at) {
    if (parent.getValue(field) instanceof Boolean b) {
      return b;
    }
    throw new ConfigException(at + "." + field, "must be true or false");
  }
}
