package genpay.generation;

import genpay.TestEngine;
import genpay.config.Settings;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.UUID;

import static genpay.TestEngine.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The provider sandbox's generate endpoint, called over HTTP as the real client calls it. */
class ProviderSandboxTest {

  private static final String GENERATE = ProviderSandbox.PREFIX + "/api/v1/file/generate-video";

  private static TestEngine genpay;

  @BeforeAll
  static void start() throws Exception {
    // No worker: nothing but these requests touches Redis while the digests are compared.
    genpay = TestEngine.start(Map.of("GENERATION_WORKER", "false"));
  }

  @AfterAll
  static void stop() {
    genpay.close();
  }

  private static HttpRequest<Buffer> generate() {
    return genpay.http.post(GENERATE).bearerTokenAuthentication(Settings.SANDBOX_PROVIDER_TOKEN);
  }

  private static HttpResponse<Buffer> send(HttpRequest<Buffer> request) {
    return await(request.sendJsonObject(ProviderClient.veo3Payload("a lighthouse in a storm", 42)));
  }

  private static void assertRefusedUntouched(HttpRequest<Buffer> request) {
    String before = genpay.redisDigest();
    HttpResponse<Buffer> response = send(request);
    assertEquals(400, response.statusCode(), response.bodyAsString());
    assertTrue(response.getHeader("Content-Type").startsWith("application/json"));
    String detail = response.bodyAsJsonObject().getString("detail");
    assertNotNull(detail, "the provider's {detail} shape");
    assertTrue(detail.contains("Idempotency-Key"), detail);
    assertEquals(before, genpay.redisDigest(), "Redis unchanged");
  }

  @Test
  void aMissingIdempotencyKeyIsRefusedBeforeRedis() {
    assertRefusedUntouched(generate());
  }

  @Test
  void aBadIdempotencyKeyIsRefusedBeforeRedis() {
    assertRefusedUntouched(generate().putHeader("Idempotency-Key", ""));
    assertRefusedUntouched(generate().putHeader("Idempotency-Key", "two words"));
    assertRefusedUntouched(generate().putHeader("Idempotency-Key", "k".repeat(256)));
    assertRefusedUntouched(generate().putHeader("Idempotency-Key", "caf\u00e9-key"));
    assertRefusedUntouched(generate().putHeader("Idempotency-Key", "tab\there"));
  }

  @Test
  void aGoodKeyStartsOnceAndARepeatAnswersTheSameJob() {
    String key = UUID.randomUUID().toString();
    String before = genpay.redisDigest();
    HttpResponse<Buffer> first = send(generate().putHeader("Idempotency-Key", key));
    assertEquals(200, first.statusCode(), first.bodyAsString());
    assertNotEquals(before, genpay.redisDigest(), "a good start is stored (so the digest would see a change)");
    HttpResponse<Buffer> again = send(generate().putHeader("Idempotency-Key", key));
    assertEquals(first.bodyAsJsonObject().getString("id"), again.bodyAsJsonObject().getString("id"));
    assertEquals(1, genpay.providerStarts(key));
    String longest = "k".repeat(255);
    assertEquals(200, send(generate().putHeader("Idempotency-Key", longest)).statusCode());
  }
}
