package genpay.generation;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.core.net.TrustOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The SuperDuperAI video API over vertx-web-client. 5xx, 429 (honouring Retry-After) and timeouts are
 * retried with capped exponential backoff and jitter; any other 4xx is final, with the provider's reason.
 */
public final class ProviderClient {

  public static final String VEO3_CONFIG = "google-cloud/veo3-text2video";
  private static final Logger LOG = LoggerFactory.getLogger(ProviderClient.class);
  /** How long a call may wait for a pooled connection or a TCP connect before the attempt counts as failed. */
  private static final long CONNECT_TIMEOUT_MS = 5_000;
  /**
   * The provider config per file type. Only the video API is known (section 8); for images and audio the
   * request is the same shape with this config name, on generate-image / generate-audio.
   */
  private static final Map<String, String> CONFIGS = Map.of("video", VEO3_CONFIG, "image", "sandbox-image",
      "audio", "sandbox-audio");

  public static String configName(String type) {
    String name = CONFIGS.get(type);
    if (name == null) {
      throw new IllegalArgumentException("unknown file type " + type);
    }
    return name;
  }

  private final Vertx vertx;
  private final WebClient client;
  private final String baseUrl;
  private final String token;
  private final long requestTimeoutMs;
  private final int maxAttempts;
  private final Backoff backoff;
  private final MeterRegistry registry;

  public ProviderClient(Vertx vertx, String baseUrl, String token, long requestTimeoutMs, int maxAttempts,
                        Backoff backoff, MeterRegistry registry) {
    this(vertx, baseUrl, token, requestTimeoutMs, maxAttempts, backoff, registry, null);
  }

  /** {@code selfTrust}: the engine's own certificate, for its sandbox over HTTPS (null: the usual authorities). */
  public ProviderClient(Vertx vertx, String baseUrl, String token, long requestTimeoutMs, int maxAttempts,
                        Backoff backoff, MeterRegistry registry, TrustOptions selfTrust) {
    this.vertx = vertx;
    WebClientOptions options = new WebClientOptions().setConnectTimeout((int) Math.min(requestTimeoutMs, CONNECT_TIMEOUT_MS))
        .setKeepAlive(true);
    if (selfTrust != null) {
      options.setTrustOptions(selfTrust);
    }
    this.client = WebClient.create(vertx, options, new PoolOptions().setHttp1MaxSize(64));
    this.baseUrl = baseUrl;
    this.token = token;
    this.requestTimeoutMs = requestTimeoutMs;
    this.maxAttempts = maxAttempts;
    this.backoff = backoff;
    this.registry = registry;
    // At zero from the start: a dashboard's retry rate has a series before the first retry.
    List.of("start", "status").forEach(operation -> registry.counter("genpay.provider.retries", "operation", operation));
  }

  /** The VEO3 payload of DESIGN.md section 8. */
  public static JsonObject veo3Payload(String prompt, long seed) {
    JsonObject config = new JsonObject()
        .put("prompt", prompt)
        .put("negative_prompt", "")
        .put("width", 1280)
        .put("height", 720)
        .put("aspect_ratio", "16:9")
        .put("duration", 8)
        .put("frame_rate", 30)
        .put("seed", seed)
        .put("generation_config_name", VEO3_CONFIG)
        .put("batch_size", 1)
        .put("params", new JsonObject().put("duration", 8).put("aspect_ratio", "16:9").put("frame_rate", 30));
    return new JsonObject().put("type", "media").put("config", config);
  }

  /** The payload of one file of {@code type}: VEO3 for video, else its config name from the table. */
  public static JsonObject payload(String type, String prompt, long seed) {
    if ("video".equals(type)) {
      return veo3Payload(prompt, seed);
    }
    JsonObject config = new JsonObject().put("prompt", prompt).put("negative_prompt", "").put("seed", seed)
        .put("generation_config_name", configName(type)).put("batch_size", 1);
    return new JsonObject().put("type", "media").put("config", config);
  }

  /** Starts a video; see {@link #start(String, String, String)}. */
  public Future<String> start(String prompt, String idempotencyKey) {
    return start("video", prompt, idempotencyKey);
  }

  /** Starts a generation; the idempotency key makes a repeated start (after a crash) answer the same job. */
  public Future<String> start(String type, String prompt, String idempotencyKey) {
    JsonObject payload = payload(type, prompt, ThreadLocalRandom.current().nextLong(1, 4_294_967_295L));
    return withRetries("start", () -> client.postAbs(baseUrl + "/api/v1/file/generate-" + type)
            .putHeader("Idempotency-Key", idempotencyKey), payload, 1)
        .map(body -> {
          String id = body.getString("id");
          if (id == null || id.isEmpty()) {
            throw new ProviderException("the provider answered without a file id", true);
          }
          return id;
        });
  }

  public Future<ProviderFile> fetch(String providerId) {
    return withRetries("status", () -> client.getAbs(baseUrl + "/api/v1/file/" + providerId), null, 1)
        .map(ProviderFile::fromJson);
  }

  private Future<JsonObject> withRetries(String operation, Supplier<HttpRequest<Buffer>> request, JsonObject body,
                                         int attempt) {
    HttpRequest<Buffer> call = request.get().bearerTokenAuthentication(token).timeout(requestTimeoutMs)
        .connectTimeout(CONNECT_TIMEOUT_MS)
        .putHeader("Accept", "application/json");
    // The request's own timeout starts only once it has a connection: a request still waiting for one from the
    // pool was left waiting for good (a follow stalled 90 s in the orders bench), so bound the whole attempt too.
    Future<HttpResponse<Buffer>> sent = (body == null ? call.send() : call.sendJsonObject(body))
        .timeout(requestTimeoutMs + CONNECT_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    return sent.transform(result -> {
      if (result.failed()) {
        LOG.info("provider {}: attempt {} got no answer ({})", operation, attempt, result.cause().toString());
      }
      int status = result.succeeded() ? result.result().statusCode() : 0;
      count(operation, result.succeeded() ? String.valueOf(status) : "timeout");
      if (status >= 200 && status < 300) {
        try {
          return Future.succeededFuture(result.result().bodyAsJsonObject());
        } catch (RuntimeException e) {
          return Future.failedFuture(new ProviderException("the provider answered with a body that is not JSON", true));
        }
      }
      boolean retryable = status == 0 || status == 429 || status >= 500;
      if (!retryable) {
        return Future.failedFuture(new ProviderException(reason(result.result()), false));
      }
      if (attempt >= maxAttempts) {
        return Future.failedFuture(new ProviderException("the provider did not answer after " + attempt
            + " attempts (" + (status == 0 ? "no answer" : "HTTP " + status) + ")", true));
      }
      long delay = status == 429 ? retryAfterMs(result.result(), attempt) : backoff.delayMs(attempt, RANDOM.get());
      registry.counter("genpay.provider.retries", "operation", operation).increment();
      Promise<JsonObject> retried = Promise.promise();
      vertx.setTimer(delay, id -> withRetries(operation, request, body, attempt + 1).onComplete(retried));
      return retried.future();
    });
  }

  private long retryAfterMs(HttpResponse<Buffer> response, int attempt) {
    String header = response.getHeader("Retry-After");
    try {
      return Math.min(backoff.capMs(), Math.max(0, Long.parseLong(header.trim()) * 1000));
    } catch (RuntimeException e) {
      return backoff.delayMs(attempt, RANDOM.get());
    }
  }

  private static String reason(HttpResponse<Buffer> response) {
    String detail = null;
    try {
      JsonObject json = response.bodyAsJsonObject();
      Object value = json == null ? null : json.getValue("detail");
      detail = value instanceof String text ? text : value == null ? null : String.valueOf(value);
    } catch (RuntimeException e) {
      // not JSON: fall back to the status alone
    }
    return "The provider refused the request (HTTP " + response.statusCode() + ")"
        + (detail == null ? "." : ": " + detail);
  }

  private void count(String operation, String status) {
    Counter.builder("genpay.provider.calls").description("Calls to the generation provider by outcome")
        .tag("operation", operation).tag("status", status).register(registry).increment();
  }

  private static final ThreadLocal<Random> RANDOM = ThreadLocal.withInitial(Random::new);

  public void close() {
    client.close();
  }
}
