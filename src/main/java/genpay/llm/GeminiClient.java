package genpay.llm;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.TrustOptions;

/**
 * Google's Gemini API: {@code POST {url}/v1beta/models/{model}:generateContent} with the key in
 * {@code x-goog-api-key}; the answer is {@code candidates[0].content.parts[0].text}.
 */
public final class GeminiClient implements LlmClient {

  private final LlmHttp http;
  private final String endpoint;
  private final String apiKey;

  public GeminiClient(Vertx vertx, String baseUrl, String apiKey, String model, long timeoutMs) {
    this(vertx, baseUrl, apiKey, model, timeoutMs, null);
  }

  /** {@code selfTrust}: the engine's own certificate, for the sandbox over HTTPS (null: the usual authorities). */
  public GeminiClient(Vertx vertx, String baseUrl, String apiKey, String model, long timeoutMs, TrustOptions selfTrust) {
    this.http = new LlmHttp(vertx, timeoutMs, selfTrust);
    this.endpoint = baseUrl + "/v1beta/models/" + model + ":generateContent";
    this.apiKey = apiKey;
  }

  public static JsonObject body(String prompt) {
    return new JsonObject().put("contents", new JsonArray().add(new JsonObject().put("role", "user")
        .put("parts", new JsonArray().add(new JsonObject().put("text", prompt)))));
  }

  @Override
  public Future<String> ask(String prompt) {
    return LlmHttp.send(ProvidersConfig.GEMINI, http.post(endpoint).putHeader("x-goog-api-key", apiKey), body(prompt),
        GeminiClient::text, json -> json.getJsonObject("error").getString("message"));
  }

  /** A prompt blocked by safety filters comes back without candidates or parts: no text, not a failure. */
  static String text(JsonObject answer) {
    JsonArray candidates = answer.getJsonArray("candidates");
    if (candidates == null || candidates.isEmpty()) {
      return "";
    }
    JsonObject content = candidates.getJsonObject(0).getJsonObject("content");
    JsonArray parts = content == null ? null : content.getJsonArray("parts");
    if (parts == null || parts.isEmpty()) {
      return "";
    }
    String text = parts.getJsonObject(0).getString("text");
    return text == null ? "" : text;
  }

  @Override
  public void close() {
    http.close();
  }
}
