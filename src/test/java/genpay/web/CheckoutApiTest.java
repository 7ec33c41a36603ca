package genpay.web;

import com.stripe.StripeClient;
import com.stripe.model.checkout.Session;
import genpay.TestEngine;
import genpay.config.Settings;
import genpay.stripe.StripeSandbox;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static genpay.ProblemAssert.assertProblem;
import static genpay.TestEngine.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(VertxExtension.class)
class CheckoutApiTest {

  private static TestEngine genpay;

  @BeforeAll
  static void start() throws Exception {
    genpay = TestEngine.start();
  }

  @AfterAll
  static void stop() {
    genpay.close();
  }

  /** Exactly {@code length} characters (code points) of Cyrillic, emoji, CJK and ASCII. */
  static String mixedPrompt(int length) {
    String pattern = "Кот на серфе 🏄‍♂️ at sunset, 夕日 🌅 — «кинематографично» ✨ ";
    int[] codePoints = pattern.codePoints().toArray();
    StringBuilder prompt = new StringBuilder();
    for (int i = 0; i < length; i++) {
      prompt.appendCodePoint(codePoints[i % codePoints.length]);
    }
    return prompt.toString();
  }

  @Test
  void aLongMixedScriptPromptComesBackByteForByte(VertxTestContext test) {
    String prompt = mixedPrompt(Settings.MAX_PROMPT_LENGTH);
    assertEquals(Settings.MAX_PROMPT_LENGTH, prompt.codePointCount(0, prompt.length()));
    JsonObject order = new JsonObject().put("quantity", 3).put("prompt", prompt)
        .put("toolSlug", "veo3-video").put("toolTitle", "VEO3 видео");
    genpay.http.post("/api/create-checkout").sendJsonObject(order)
        .compose(created -> {
          test.verify(() -> {
            assertEquals(200, created.statusCode(), created.bodyAsString());
            assertTrue(created.bodyAsJsonObject().getString("url")
                .endsWith("/sandbox/stripe/pay/" + created.bodyAsJsonObject().getString("sessionId")));
          });
          return genpay.http.get("/api/webhook-status/" + created.bodyAsJsonObject().getString("sessionId")).send();
        })
        .onComplete(test.succeeding(status -> test.verify(() -> {
          assertEquals(200, status.statusCode());
          JsonObject snapshot = status.bodyAsJsonObject();
          assertArrayEquals(prompt.getBytes(StandardCharsets.UTF_8),
              snapshot.getString("prompt").getBytes(StandardCharsets.UTF_8));
          assertEquals("pending", snapshot.getString("status"));
          assertEquals(3, snapshot.getInteger("videoCount"));
          assertEquals("veo3-video", snapshot.getString("toolSlug"));
          assertEquals("VEO3 видео", snapshot.getString("toolTitle"));
          assertEquals(1L, snapshot.getLong("version"));
          assertTrue(snapshot.getJsonArray("files").isEmpty());
          assertNull(snapshot.getString("fileId"));
          assertNull(snapshot.getString("error"));
          assertTrue(snapshot.getLong("timestamp") > 0);
          test.completeNow();
        })));
  }

  @Test
  void stripeSeesTheCountAndToolButNeverThePrompt() throws Exception {
    String prompt = mixedPrompt(500);
    HttpResponse<Buffer> created = await(genpay.http.post("/api/create-checkout")
        .sendJsonObject(new JsonObject().put("quantity", 2).put("prompt", prompt).put("toolSlug", "veo3-video")));
    assertEquals(200, created.statusCode());
    String sessionId = created.bodyAsJsonObject().getString("sessionId");

    StripeClient stripe = StripeClient.builder().setApiKey(Settings.SANDBOX_SECRET_KEY)
        .setApiBase("http://127.0.0.1:" + genpay.port + StripeSandbox.API_PREFIX).build();
    Session session = stripe.v1().checkout().sessions().retrieve(sessionId);
    assertEquals("open", session.getStatus());
    assertEquals("payment", session.getMode());
    assertEquals(2 * genpay.settings().priceAmount(), session.getAmountTotal());
    assertEquals(Set.of("video_count", "tool"), session.getMetadata().keySet());
    assertEquals("2", session.getMetadata().get("video_count"));
    assertEquals("veo3-video", session.getMetadata().get("tool"));
    String raw = session.getLastResponse().body();
    assertFalse(raw.contains(prompt.substring(0, 20)), "the prompt must not reach Stripe");
    assertTrue(session.getSuccessUrl().endsWith("/en/payment-success/{CHECKOUT_SESSION_ID}"));
  }

  static Stream<String> badBodies() {
    return Stream.of(
        "{\"quantity\":0,\"prompt\":\"a cat\"}",
        "{\"quantity\":11,\"prompt\":\"a cat\"}",
        "{\"quantity\":\"3\",\"prompt\":\"a cat\"}",
        "{\"prompt\":\"a cat\"}",
        "{\"quantity\":1,\"prompt\":\"\"}",
        "{\"quantity\":1,\"prompt\":\"" + "x".repeat(Settings.MAX_PROMPT_LENGTH + 1) + "\"}",
        "{\"quantity\":1,\"prompt\":\"a cat\",\"priceId\":\"price_does_not_exist\"}",
        "{\"quantity\":1,\"prompt\":",
        "",
        "[]");
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.MethodSource("badBodies")
  void badInputIsAProblemAndChangesNothing(String body) {
    String before = genpay.redisDigest();
    HttpResponse<Buffer> response = await(genpay.http.post("/api/create-checkout")
        .putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(body)));
    assertProblem(response, 400);
    assertEquals(before, genpay.redisDigest(), "Redis must be unchanged");
  }

  /** JSON as Python's json.dumps writes it by default: every non-ASCII UTF-16 unit as {@code \\uXXXX}. */
  static Buffer asciiEscapedJson(int quantity, String prompt) {
    StringBuilder json = new StringBuilder("{\"quantity\":").append(quantity).append(",\"prompt\":\"");
    for (int i = 0; i < prompt.length(); i++) {
      char c = prompt.charAt(i);
      if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
        json.append(c);
      } else {
        json.append(String.format("\\u%04x", (int) c));
      }
    }
    String body = json.append("\"}").toString();
    assertTrue(body.chars().allMatch(c -> c < 0x80), "the body is pure ASCII");
    return Buffer.buffer(body, "US-ASCII");
  }

  /** Exactly {@code length} code points of Cyrillic and emoji, nothing ASCII: 6 or 12 escaped bytes each. */
  static String cyrillicAndEmoji(int length) {
    int[] codePoints = "Котнасерфе😀🏄кинематографично🌅✨".codePoints().toArray();
    StringBuilder prompt = new StringBuilder();
    for (int i = 0; i < length; i++) {
      prompt.appendCodePoint(codePoints[i % codePoints.length]);
    }
    return prompt.toString();
  }

  @Test
  void anAsciiEscapedPromptOfTheFullLengthIsAcceptedAndStoredWhole() {
    String prompt = cyrillicAndEmoji(Settings.MAX_PROMPT_LENGTH);
    Buffer body = asciiEscapedJson(2, prompt);
    assertTrue(body.length() > 64 * 1024, "the escaped body is larger than the old 64 KiB limit: " + body.length());
    HttpResponse<Buffer> created = await(genpay.http.post("/api/create-checkout")
        .putHeader("Content-Type", "application/json").sendBuffer(body));
    assertEquals(200, created.statusCode(), created.bodyAsString());
    String sessionId = created.bodyAsJsonObject().getString("sessionId");

    HttpResponse<Buffer> status = await(genpay.http.get("/api/webhook-status/" + sessionId).send());
    assertEquals(200, status.statusCode());
    assertArrayEquals(prompt.getBytes(StandardCharsets.UTF_8),
        status.bodyAsJsonObject().getString("prompt").getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void emojiCountAsOneCharacterEachWhenEscapedAsSurrogatePairs() {
    String emoji = "😀".repeat(Settings.MAX_PROMPT_LENGTH);
    HttpResponse<Buffer> accepted = await(genpay.http.post("/api/create-checkout")
        .putHeader("Content-Type", "application/json").sendBuffer(asciiEscapedJson(1, emoji)));
    assertEquals(200, accepted.statusCode(), accepted.bodyAsString());

    String before = genpay.redisDigest();
    HttpResponse<Buffer> refused = await(genpay.http.post("/api/create-checkout")
        .putHeader("Content-Type", "application/json").sendBuffer(asciiEscapedJson(1, emoji + "😀")));
    assertProblem(refused, 400);
    assertEquals("prompt", refused.bodyAsJsonObject().getString("field"));
    assertEquals(before, genpay.redisDigest(), "Redis must be unchanged");
  }

  @Test
  void aBodyOver256KiBIs413AndChangesNothing() {
    String before = genpay.redisDigest();
    String prompt = "y".repeat(Settings.MAX_BODY_BYTES);
    HttpResponse<Buffer> response = await(genpay.http.post("/api/create-checkout")
        .sendJsonObject(new JsonObject().put("quantity", 1).put("prompt", prompt)));
    assertProblem(response, 413);
    assertEquals(before, genpay.redisDigest());
  }

  @ParameterizedTest
  @ValueSource(strings = {"abc", "cs_test_", "cs_prod_abc123", "cs_test_abc-123", "cs_test_abc%20def",
      "cs_live_" + "a0b1c2d3e4f5g6h7i8j9k0l1m2n3o4p5q6r7s8t9u0v1w2x3y4z5A6B7C8D9E0F1G2H3I4J5K6L7M8N9O0"
          + "a0b1c2d3e4f5g6h7i8j9k0l1m2n3o4p5q6r7s8t9u0v1w2x3y4z5A6B7C8D9E0F1G2H3I4J5K6L7M8N9O0"
          + "a0b1c2d3e4f5g6h7i8j9k0l1m2n3o4p5q6r7s8t9u0v1w2x3y4z5"})
  void aMalformedSessionIdIs400(String sessionId) {
    String before = genpay.redisDigest();
    assertProblem(await(genpay.http.get("/api/webhook-status/" + sessionId).send()), 400);
    assertEquals(before, genpay.redisDigest());
  }

  @Test
  void anUnknownSessionIdIs404() {
    String before = genpay.redisDigest();
    assertProblem(await(genpay.http.get("/api/webhook-status/cs_test_a1B2c3D4e5F6nothere").send()), 404);
    assertEquals(before, genpay.redisDigest());
  }

  @Test
  void configTellsThePagesWhatTheySell() {
    HttpResponse<Buffer> response = await(genpay.http.get("/api/config").send());
    assertEquals(200, response.statusCode());
    JsonObject config = response.bodyAsJsonObject();
    assertTrue(config.getBoolean("sandbox"));
    assertEquals(genpay.settings().priceAmount(), config.getJsonObject("price").getLong("amount"));
    assertEquals("usd", config.getJsonObject("price").getString("currency"));
    assertEquals(Settings.MAX_QUANTITY, config.getInteger("maxQuantity"));
    assertEquals(Settings.MAX_PROMPT_LENGTH, config.getInteger("maxPromptLength"));
    assertNotNull(config.getString("publishableKey"));
  }

  @Test
  void healthReadyAndMetricsAnswer() {
    assertEquals(200, await(genpay.http.get("/health").send()).statusCode());
    HttpResponse<Buffer> ready = await(genpay.http.get("/ready").send());
    assertEquals(200, ready.statusCode());
    assertEquals("up", ready.bodyAsJsonObject().getString("redis"));
    await(genpay.http.get("/api/config").send());
    HttpResponse<Buffer> metrics = await(genpay.http.get("/metrics").send());
    assertEquals(200, metrics.statusCode());
    assertTrue(metrics.bodyAsString().contains("route=\"/api/config\""), "requests are counted by route");
  }

  @Test
  void unknownPathsAndMethodsAreProblems() {
    assertProblem(await(genpay.http.get("/api/nothing-here").send()), 404);
    assertProblem(await(genpay.http.delete("/api/create-checkout").send()), 405);
  }
}
