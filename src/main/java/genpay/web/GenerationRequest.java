package genpay.web;

import genpay.generation.ProviderClient;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import java.util.List;

/** The body of POST /api/generations, validated like create-checkout: whatever is returned here is safe to store. */
public record GenerationRequest(String type, String prompt, int quantity, String quality, Integer durationSeconds,
                                String toolSlug, String toolTitle, String locale) {

  public static final List<String> TYPES = List.of("video", "image", "audio");
  public static final List<String> QUALITIES = List.of("sd", "hd", "4k");
  /** The VEO3 payload makes 8-second videos: longer cannot be delivered, shorter costs less (section 14). */
  public static final int MAX_VIDEO_SECONDS = 8;
  public static final int MAX_AUDIO_SECONDS = 300;

  public static GenerationRequest parse(Buffer body) {
    JsonObject json = JsonBody.object(body);
    String type = CheckoutRequest.optionalString(json, "type");
    if (type == null || !TYPES.contains(type)) {
      throw new InvalidInput("type", "type is required: video, image or audio.");
    }
    String prompt = CheckoutRequest.prompt(json.getValue("prompt"));
    int quantity = CheckoutRequest.quantity(json.getValue("quantity"));
    String quality = CheckoutRequest.optionalString(json, "quality");
    if (quality != null && !QUALITIES.contains(quality)) {
      throw new InvalidInput("quality", "quality must be sd, hd or 4k.");
    }
    Integer duration = duration(json.getValue("durationSeconds"), type);
    String toolSlug = CheckoutRequest.optionalString(json, "toolSlug");
    if (toolSlug == null) {
      toolSlug = type + "-generator";
    } else if (!CheckoutRequest.TOOL_SLUG.matcher(toolSlug).matches()) {
      throw new InvalidInput("toolSlug", "toolSlug must be 1 to 64 lower-case letters, digits or dashes.");
    }
    String toolTitle = CheckoutRequest.optionalString(json, "toolTitle");
    if (toolTitle == null || toolTitle.isBlank()) {
      toolTitle = "AI " + type + " generator";
    } else if (toolTitle.codePointCount(0, toolTitle.length()) > 200) {
      throw new InvalidInput("toolTitle", "toolTitle must be at most 200 characters.");
    }
    String locale = CheckoutRequest.optionalString(json, "locale");
    if (locale == null) {
      locale = "en";
    } else if (!CheckoutRequest.LOCALE.matcher(locale).matches()) {
      throw new InvalidInput("locale", "locale must look like en or en-US.");
    }
    return new GenerationRequest(type, prompt, quantity, quality, duration, toolSlug, toolTitle, locale);
  }

  /** What the ledger's usage records as the model of this type. */
  public String model() {
    return ProviderClient.configName(type);
  }

  private static Integer duration(Object value, String type) {
    if (value == null) {
      return null;
    }
    if ("image".equals(type)) {
      throw new InvalidInput("durationSeconds", "durationSeconds is for video and audio only.");
    }
    int max = "video".equals(type) ? MAX_VIDEO_SECONDS : MAX_AUDIO_SECONDS;
    if (!(value instanceof Integer || value instanceof Long)) {
      throw new InvalidInput("durationSeconds", "durationSeconds must be a whole number from 1 to " + max
          + ", not " + CheckoutRequest.describe(value) + ".");
    }
    long seconds = ((Number) value).longValue();
    if (seconds < 1 || seconds > max) {
      throw new InvalidInput("durationSeconds", "durationSeconds must be from 1 to " + max + " for " + type
          + " (got " + seconds + ").");
    }
    return (int) seconds;
  }
}
