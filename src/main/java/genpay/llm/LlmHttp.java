package genpay.llm;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.core.net.TrustOptions;

import java.util.function.Function;

/** What the two clients share: one pooled WebClient, a JSON POST, and the mapping of failures. */
final class LlmHttp {

  /** A provider's own error text is cut: it can echo parts of the prompt. */
  private static final int MAX_REASON = 200;

  private final WebClient client;
  private final long timeoutMs;

  /** {@code selfTrust}: the engine's own certificate, for its sandboxes over HTTPS (null: the usual authorities). */
  LlmHttp(Vertx vertx, long timeoutMs, TrustOptions selfTrust) {
    WebClientOptions options = new WebClientOptions().setKeepAlive(true)
        .setConnectTimeout((int) Math.min(timeoutMs, 5_000));
    if (selfTrust != null) {
      options.setTrustOptions(selfTrust);
    }
    this.client = WebClient.create(vertx, options, new PoolOptions().setHttp1MaxSize(64));
    this.timeoutMs = timeoutMs;
  }

  HttpRequest<Buffer> post(String url) {
    return client.postAbs(url).timeout(timeoutMs).putHeader("Accept", "application/json");
  }

  /** Sends {@code body}; a 2xx JSON answer goes through {@code read}, anything else becomes an LlmException. */
  static Future<String> send(String provider, HttpRequest<Buffer> request, JsonObject body,
                             Function<JsonObject, String> read, Function<JsonObject, String> errorText) {
    return request.sendJsonObject(body).transform(sent -> {
      if (sent.failed()) {
        return Future.failedFuture(new LlmException(provider + " did not answer (" + sent.cause().getClass().getSimpleName()
            + ")", true));
      }
      HttpResponse<Buffer> response = sent.result();
      JsonObject json;
      try {
        json = response.bodyAsJsonObject();
      } catch (RuntimeException e) {
        json = null;
      }
      int status = response.statusCode();
      if (status >= 200 && status < 300) {
        if (json == null) {
          return Future.failedFuture(new LlmException(provider + " answered with a body that is not JSON", true));
        }
        try {
          return Future.succeededFuture(read.apply(json));
        } catch (RuntimeException e) {
          return Future.failedFuture(new LlmException(provider + " answered in a shape genpay does not know", true));
        }
      }
      String reason = null;
      if (json != null) {
        try {
          reason = errorText.apply(json);
        } catch (RuntimeException ignored) {
          reason = null;
        }
      }
      if (reason != null && reason.length() > MAX_REASON) {
        reason = reason.substring(0, MAX_REASON) + "…";
      }
      return Future.failedFuture(LlmException.forStatus(provider, status, reason, retryAfterMs(response)));
    });
  }

  private static long retryAfterMs(HttpResponse<Buffer> response) {
    String header = response.getHeader("Retry-After");
    if (header == null) {
      return -1;
    }
    try {
      return Math.max(0, Long.parseLong(header.trim()) * 1000);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  void close() {
    client.close();
  }
}
