package genpay;

import genpay.config.Settings;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static genpay.TestEngine.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The shutdown path (the same close() the SIGTERM hook runs) keeps every stored order for the next start. */
class EngineRestartTest {

  @TempDir
  Path dataDir;

  @Test
  void anOrderSurvivesACleanStopAndStart() throws Exception {
    Map<String, String> env = Map.of("PORT", String.valueOf(TestEngine.freePort()), "DATA_DIR", dataDir.toString());
    Settings settings = Settings.from(new JsonObject(), env);
    String sessionId;
    try (Engine first = Engine.start(settings)) {
      WebClient http = WebClient.create(first.vertx());
      var created = await(http.post(settings.port(), "127.0.0.1", "/api/create-checkout")
          .sendJsonObject(new JsonObject().put("quantity", 4).put("prompt", "dawn over the fjord")));
      assertEquals(200, created.statusCode());
      sessionId = created.bodyAsJsonObject().getString("sessionId");
    }
    try (Engine second = Engine.start(settings)) {
      WebClient http = WebClient.create(second.vertx());
      var status = await(http.get(settings.port(), "127.0.0.1", "/api/webhook-status/" + sessionId).send());
      assertEquals(200, status.statusCode());
      assertEquals("dawn over the fjord", status.bodyAsJsonObject().getString("prompt"));
      assertEquals(4, status.bodyAsJsonObject().getInteger("videoCount"));
    }
  }
}
