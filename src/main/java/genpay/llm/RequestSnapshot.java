package genpay.llm;

import io.vertx.core.json.JsonObject;

import java.util.Map;

/**
 * A request as {@code GET /api/generation-requests/{id}} shows it (section 16), made from its hash: the API's own
 * {@link genpay.requests.RequestSnapshot}, so the worker's changes and the API's answers have one shape.
 */
public final class RequestSnapshot {

  private RequestSnapshot() {
  }

  public static JsonObject of(Map<String, String> hash) {
    return genpay.requests.RequestSnapshot.of(hash);
  }
}
