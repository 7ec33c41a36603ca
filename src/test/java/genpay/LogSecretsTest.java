package genpay;

import genpay.config.Settings;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static genpay.TestEngine.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Drives good and bad traffic, a Redis outage included, then greps every captured log line for secrets. */
class LogSecretsTest {

  private static final String WEBHOOK_SECRET = "whsec_logcheck_" + "Zq8Xv2Lm5Np7Rt1W";

  @Test
  void noSecretAndNoWholePromptIsEverLogged() throws Exception {
    String prompt = "A secret-sounding prompt that must stay out of logs: " + "violet nebula ".repeat(20);
    String storageSecret;
    try (TestEngine genpay = TestEngine.start(Map.of("STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET + ",whsec_second_Qw3"))) {
      var created = await(genpay.http.post("/api/create-checkout")
          .sendJsonObject(new JsonObject().put("quantity", 2).put("prompt", prompt)));
      assertEquals(200, created.statusCode());
      String sessionId = created.bodyAsJsonObject().getString("sessionId");
      storageSecret = genpay.settings().storage().secretAccessKey();
      var stored = genpay.reaches(sessionId, "completed", "error");
      genpay.clickOnCheckoutPage(sessionId, "paid");
      // The copies into the object store and their links are made with the store's key pair.
      await(stored.timeout(60, java.util.concurrent.TimeUnit.SECONDS), 70);
      await(genpay.http.get("/media/" + await(stored).getString("fileId")).send());
      await(genpay.http.post("/api/create-checkout").sendBuffer(Buffer.buffer("{\"quantity\":99}")));
      await(genpay.http.get("/sandbox/stripe/v1/checkout/sessions/" + sessionId)
          .putHeader("Authorization", "Bearer sk_live_shouldnotbelogged").send());
      genpay.engine.embeddedRedis().stop();
      try {
        await(genpay.http.post("/api/create-checkout").timeout(20_000)
            .sendJsonObject(new JsonObject().put("quantity", 1).put("prompt", prompt)));
      } finally {
        genpay.engine.embeddedRedis().restart();
      }
    }
    List<String> lines = CapturedLog.lines();
    assertTrue(lines.size() > 5, "the engine logged its stages");
    List<String> secrets = List.of(WEBHOOK_SECRET, "whsec_second_Qw3", Settings.SANDBOX_SECRET_KEY,
        "sk_live_shouldnotbelogged", Settings.SANDBOX_PROVIDER_TOKEN, storageSecret);
    for (String line : lines) {
      for (String secret : secrets) {
        assertFalse(line.contains(secret), "a log line holds a secret: " + line);
      }
      assertFalse(line.contains(prompt.substring(0, 60)), "a log line holds the prompt: " + line);
    }
  }
}
