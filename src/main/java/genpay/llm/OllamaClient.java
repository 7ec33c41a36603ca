package genpay.llm;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.TrustOptions;

/** Ollama's generate API: {@code POST {url}/api/generate {model, prompt, stream: false}} → {@code {response}}. */
public final class OllamaClient implements LlmClient {

  private final LlmHttp http;
  private final String endpoint;
  private final String model;

  public OllamaClient(Vertx vertx, String baseUrl, String model, long timeoutMs) {
    this(vertx, baseUrl, model, timeoutMs, null);
  }

  /** {@code selfTrust}: the engine's own certificate, for the sandbox over HTTPS (null: the usual authorities). */
  public OllamaClient(Vertx vertx, String baseUrl, String model, long timeoutMs, TrustOptions selfTrust) {
    this.http = new LlmHttp(vertx, timeoutMs, selfTrust);
    this.endpoint = baseUrl + "/api/generate";
    this.model = model;
  }

  @Override
  public Future<String> ask(String prompt) {
    JsonObject body = new JsonObject().put("model", model).put("prompt", prompt).put("stream", false);
    return LlmHttp.send(ProvidersConfig.OLLAMA, http.post(endpoint), body,
        json -> {
          String response = json.getString("response");
          return response == null ? "" : response;
        },
        json -> json.getString("error"));
  }

  @Override
  public void close() {
    http.close();
  }
}
