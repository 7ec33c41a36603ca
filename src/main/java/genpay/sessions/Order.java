package genpay.sessions;

import io.vertx.core.json.JsonObject;

/** A validated order as it travels to the session store: everything Redis keeps of it. */
public record Order(
    String sessionId,
    String prompt,
    int videoCount,
    String toolSlug,
    String toolTitle,
    String locale,
    long amountTotal,
    String currency) {

  /** Fixed by the provider's VEO3 payload; stored so later tools can differ. */
  public static final int DURATION_SECONDS = 8;
  public static final String RESOLUTION = "1280x720";
  public static final String STYLE = "veo3-text2video";

  public JsonObject toJson() {
    return new JsonObject()
        .put("sessionId", sessionId).put("prompt", prompt).put("videoCount", videoCount)
        .put("toolSlug", toolSlug).put("toolTitle", toolTitle).put("locale", locale)
        .put("amountTotal", amountTotal).put("currency", currency);
  }

  public static Order fromJson(JsonObject json) {
    return new Order(json.getString("sessionId"), json.getString("prompt"), json.getInteger("videoCount"),
        json.getString("toolSlug"), json.getString("toolTitle"), json.getString("locale"),
        json.getLong("amountTotal", 0L), json.getString("currency"));
  }
}
