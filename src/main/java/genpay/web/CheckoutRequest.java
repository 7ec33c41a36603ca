package genpay.web;

import genpay.config.Settings;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import java.util.regex.Pattern;

/** The body of POST /api/create-checkout, validated: whatever is returned here is safe to store. */
public record CheckoutRequest(String priceId, int quantity, String prompt, String toolSlug, String toolTitle,
                              String locale) {

  public static final String DEFAULT_TOOL_SLUG = "video-generator";
  public static final String DEFAULT_TOOL_TITLE = "AI video generator";
  /** Also what the pages accept in their paths. */
  static final Pattern TOOL_SLUG = Pattern.compile("^[a-z0-9][a-z0-9-]{0,63}$");
  static final Pattern LOCALE = Pattern.compile("^[a-z]{2}(-[A-Z]{2})?$");
  private static final int MAX_TOOL_TITLE = 200;

  public static CheckoutRequest parse(Buffer body, Settings settings) {
    JsonObject json = JsonBody.object(body);
    String priceId = optionalString(json, "priceId");
    if (priceId != null && !priceId.equals(settings.stripePriceId())) {
      throw new InvalidInput("priceId", "Unknown priceId; this engine sells " + settings.stripePriceId() + ".");
    }
    int quantity = quantity(json.getValue("quantity"));
    String prompt = prompt(json.getValue("prompt"));
    String toolSlug = optionalString(json, "toolSlug");
    if (toolSlug == null) {
      toolSlug = DEFAULT_TOOL_SLUG;
    } else if (!TOOL_SLUG.matcher(toolSlug).matches()) {
      throw new InvalidInput("toolSlug", "toolSlug must be 1 to 64 lower-case letters, digits or dashes.");
    }
    String toolTitle = optionalString(json, "toolTitle");
    if (toolTitle == null || toolTitle.isBlank()) {
      toolTitle = DEFAULT_TOOL_TITLE;
    } else if (toolTitle.codePointCount(0, toolTitle.length()) > MAX_TOOL_TITLE) {
      throw new InvalidInput("toolTitle", "toolTitle must be at most " + MAX_TOOL_TITLE + " characters.");
    }
    String locale = optionalString(json, "locale");
    if (locale == null) {
      locale = "en";
    } else if (!LOCALE.matcher(locale).matches()) {
      throw new InvalidInput("locale", "locale must look like en or en-US.");
    }
    return new CheckoutRequest(settings.stripePriceId(), quantity, prompt, toolSlug, toolTitle, locale);
  }


  static int quantity(Object value) {
    if (value == null) {
      throw new InvalidInput("quantity", "quantity is required: a whole number from 1 to " + Settings.MAX_QUANTITY + ".");
    }
    if (!(value instanceof Integer || value instanceof Long)) {
      throw new InvalidInput("quantity", "quantity must be a whole number from 1 to " + Settings.MAX_QUANTITY
          + ", not " + describe(value) + ".");
    }
    long quantity = ((Number) value).longValue();
    if (quantity < 1 || quantity > Settings.MAX_QUANTITY) {
      throw new InvalidInput("quantity", "quantity must be from 1 to " + Settings.MAX_QUANTITY + " (got " + quantity + ").");
    }
    return (int) quantity;
  }

  static String prompt(Object value) {
    if (!(value instanceof String prompt)) {
      throw new InvalidInput("prompt", value == null ? "prompt is required."
          : "prompt must be a string, not " + describe(value) + ".");
    }
    if (prompt.isBlank()) {
      throw new InvalidInput("prompt", "prompt must not be empty.");
    }
    int length = prompt.codePointCount(0, prompt.length());
    if (length > Settings.MAX_PROMPT_LENGTH) {
      throw new InvalidInput("prompt", "prompt must be at most " + Settings.MAX_PROMPT_LENGTH
          + " characters (got " + length + ").");
    }
    return prompt;
  }

  static String optionalString(JsonObject json, String field) {
    Object value = json.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String text)) {
      throw new InvalidInput(field, field + " must be a string, not " + describe(value) + ".");
    }
    return text;
  }

  static String describe(Object value) {
    if (value instanceof String) {
      return "a string";
    }
    if (value instanceof Number) {
      return "a fraction";
    }
    if (value instanceof Boolean) {
      return "a boolean";
    }
    return "an " + (value instanceof JsonObject ? "object" : "array");
  }
}
