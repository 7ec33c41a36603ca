package genpay.llm;

import genpay.TestEngine;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static genpay.TestEngine.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real gemini and ollama clients against the engine's own sandboxes, which answer in each API's shapes. */
class LlmClientsTest {

  private static final String PROMPT = "Describe this page in one line.\nURL: http://127.0.0.1/a\nTitle: Pricing\n"
      + "Content:\nPlans start at five euros a month.";

  @Test
  void bothClientsGetTheSandboxesOneLine() throws Exception {
    try (TestEngine genpay = TestEngine.start(Map.of("GENERATION_WORKER", "false"))) {
      var settings = genpay.settings();
      String expected = "A sandbox summary of Pricing (7 words).";
      GeminiClient gemini = new GeminiClient(genpay.engine.vertx(), settings.effectiveGeminiUrl(),
          settings.effectiveGeminiKey(), "gemini-2.5-flash", 5_000);
      OllamaClient ollama = new OllamaClient(genpay.engine.vertx(), settings.effectiveOllamaUrl(), "llama3.2", 5_000);
      assertEquals(expected, await(gemini.ask(PROMPT)));
      assertEquals(expected, await(ollama.ask(PROMPT)));
      assertEquals("1", await(genpay.redis.send(Request.cmd(Command.HGET)
          .arg(LlmSandbox.callsKey("gemini")).arg("http://127.0.0.1/a"))).toString());

      HttpResponse<Buffer> raw = await(genpay.http.post("/sandbox/gemini/v1beta/models/gemini-2.5-flash:generateContent")
          .putHeader("x-goog-api-key", settings.effectiveGeminiKey()).sendJsonObject(GeminiClient.body(PROMPT)));
      JsonObject answer = raw.bodyAsJsonObject();
      assertEquals(expected, answer.getJsonArray("candidates").getJsonObject(0).getJsonObject("content")
          .getJsonArray("parts").getJsonObject(0).getString("text"));
      assertEquals("STOP", answer.getJsonArray("candidates").getJsonObject(0).getString("finishReason"));
      assertEquals("gemini-2.5-flash", answer.getString("modelVersion"));
      JsonObject generated = await(genpay.http.post("/sandbox/ollama/api/generate").sendJsonObject(new JsonObject()
          .put("model", "llama3.2").put("prompt", PROMPT).put("stream", false))).bodyAsJsonObject();
      assertEquals("llama3.2", generated.getString("model"));
      assertEquals(expected, generated.getString("response"));
      assertTrue(generated.getBoolean("done"));

      // A wrong key is Google's 400 INVALID_ARGUMENT: final, not worth a retry.
      GeminiClient badKey = new GeminiClient(genpay.engine.vertx(), settings.effectiveGeminiUrl(), "wrong", "gemini-2.5-flash",
          5_000);
      LlmException refused = assertInstanceOf(LlmException.class, awaitFailure(badKey.ask(PROMPT)));
      assertFalse(refused.retryable());
      assertTrue(refused.getMessage().contains("HTTP 400"), refused.getMessage());
      assertFalse(refused.getMessage().contains("Pricing"), "the prompt is never part of an error");
      JsonObject error = await(genpay.http.post("/sandbox/gemini/v1beta/models/gemini-2.5-flash:generateContent")
          .putHeader("x-goog-api-key", "wrong").sendJsonObject(GeminiClient.body(PROMPT))).bodyAsJsonObject();
      assertEquals("INVALID_ARGUMENT", error.getJsonObject("error").getString("status"));
      gemini.close();
      ollama.close();
      badKey.close();
    }
  }

  @Test
  void injectedFaultsAreRetryableOrFinalAsTheRealApisSay() throws Exception {
    try (TestEngine genpay = TestEngine.start(Map.of("GENERATION_WORKER", "false",
        "SANDBOX_LLM_FAULTS", "gemini_fail=1.0,ollama_400=1.0"))) {
      var settings = genpay.settings();
      GeminiClient gemini = new GeminiClient(genpay.engine.vertx(), settings.effectiveGeminiUrl(),
          settings.effectiveGeminiKey(), "gemini-2.5-flash", 5_000);
      OllamaClient ollama = new OllamaClient(genpay.engine.vertx(), settings.effectiveOllamaUrl(), "llama3.2", 5_000);
      LlmException failing = assertInstanceOf(LlmException.class, awaitFailure(gemini.ask(PROMPT)));
      assertTrue(failing.retryable(), failing.getMessage());
      assertTrue(failing.getMessage().contains("HTTP 500"), failing.getMessage());
      LlmException refused = assertInstanceOf(LlmException.class, awaitFailure(ollama.ask(PROMPT)));
      assertFalse(refused.retryable(), refused.getMessage());
      gemini.close();
      ollama.close();
    }
    try (TestEngine genpay = TestEngine.start(Map.of("GENERATION_WORKER", "false", "SANDBOX_LLM_FAULTS", "ollama_429=1"))) {
      OllamaClient ollama = new OllamaClient(genpay.engine.vertx(), genpay.settings().effectiveOllamaUrl(), "llama3.2",
          5_000);
      LlmException busy = assertInstanceOf(LlmException.class, awaitFailure(ollama.ask(PROMPT)));
      assertTrue(busy.retryable());
      assertEquals(1_000, busy.retryAfterMs());
      ollama.close();
    }
  }

  static Throwable awaitFailure(io.vertx.core.Future<?> future) {
    try {
      await(future);
    } catch (RuntimeException e) {
      Throwable cause = e;
      while (!(cause instanceof LlmException) && cause.getCause() != null) {
        cause = cause.getCause();
      }
      return cause;
    }
    throw new AssertionError("expected a failure");
  }
}
