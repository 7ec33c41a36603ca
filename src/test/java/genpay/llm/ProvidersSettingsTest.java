package genpay.llm;

import genpay.config.ConfigException;
import genpay.config.Settings;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The provider settings of section 16: the generation block, the gemini/ollama URLs, the mixed-mode rule. */
class ProvidersSettingsTest {

  private static final Map<String, String> LIVE_STRIPE = Map.of("STRIPE_SECRET_KEY", "sk_live_x",
      "STRIPE_WEBHOOK_SECRET", "whsec_a", "STRIPE_PRICE_ID", "price_1", "GENERATION_API_URL", "https://api.example.com",
      "GENERATION_API_TOKEN", "t", "MAIL_URL", "smtps://mail.example.com");

  @Test
  void defaultsAreSandboxesAndSection16sPrices() {
    Settings settings = Settings.from(new JsonObject(), Map.of("PORT", "8123"));
    assertTrue(settings.geminiSandbox() && settings.ollamaSandbox());
    assertEquals("http://127.0.0.1:8123/sandbox/gemini", settings.effectiveGeminiUrl());
    assertEquals("http://127.0.0.1:8123/sandbox/ollama", settings.effectiveOllamaUrl());
    ProvidersConfig.Provider gemini = settings.providers().provider("gemini");
    assertEquals(0, new BigDecimal("0.00097").compareTo(gemini.perUrl()));
    assertEquals("gemini-2.5-flash", gemini.model());
    assertTrue(gemini.paid());
    assertFalse(settings.providers().provider("ollama").paid());
    assertEquals(8, settings.providers().pageConcurrency());
    // The shipped file says the same as the defaults.
    JsonObject file = new JsonObject(new String(readConf(), java.nio.charset.StandardCharsets.UTF_8));
    assertEquals(settings.providers(), Settings.from(file, Map.of("PORT", "8123")).providers());
  }

  @Test
  void aRealKeyGoesToGoogleUnlessAUrlIsGiven() {
    Map<String, String> env = new HashMap<>(LIVE_STRIPE);
    env.put("GEMINI_API_KEY", "real-key");
    Settings real = Settings.from(new JsonObject(), env);
    assertFalse(real.geminiSandbox());
    assertEquals(Settings.GEMINI_PUBLIC_URL, real.effectiveGeminiUrl());
    assertFalse(real.toString().contains("real-key"));
    env.put("GEMINI_API_URL", "http://127.0.0.1:9/");
    assertEquals("http://127.0.0.1:9", Settings.from(new JsonObject(), env).effectiveGeminiUrl());
    ConfigException noKey = assertThrows(ConfigException.class,
        () -> Settings.from(new JsonObject(), Map.of("GEMINI_API_URL", "http://127.0.0.1:9")));
    assertEquals("Bad configuration: GEMINI_API_KEY is required when GEMINI_API_URL is set", noKey.getMessage());
    assertEquals("http://127.0.0.1:11434",
        Settings.from(new JsonObject(), Map.of("OLLAMA_URL", "http://127.0.0.1:11434")).effectiveOllamaUrl());
  }

  @Test
  void gemininMixedWithTheStripeSandboxIsRefusedUnlessAllowed() {
    ConfigException keyBehindSandbox = assertThrows(ConfigException.class,
        () -> Settings.from(new JsonObject(), Map.of("GEMINI_API_KEY", "real-key")));
    assertEquals("Bad configuration: GEMINI_API_KEY is set but STRIPE_SECRET_KEY is not: real gemini calls behind the "
        + "Stripe sandbox would be given away (set both, neither, or ALLOW_MIXED_SANDBOX=true)", keyBehindSandbox.getMessage());
    assertFalse(keyBehindSandbox.getMessage().contains("real-key"));
    ConfigException liveBeforeSandbox = assertThrows(ConfigException.class,
        () -> Settings.from(new JsonObject(), LIVE_STRIPE));
    assertTrue(liveBeforeSandbox.getMessage().startsWith("Bad configuration: STRIPE_SECRET_KEY is live but "
        + "GEMINI_API_KEY is not set"), liveBeforeSandbox.getMessage());
    assertFalse(Settings.from(new JsonObject(), Map.of("GEMINI_API_KEY", "k", "ALLOW_MIXED_SANDBOX", "true"))
        .geminiSandbox());
    Map<String, String> allowed = new HashMap<>(LIVE_STRIPE);
    allowed.put("ALLOW_MIXED_SANDBOX", "true");
    assertTrue(Settings.from(new JsonObject(), allowed).geminiSandbox());
    // Ollama is free: a real one beside the Stripe sandbox, or its sandbox beside live Stripe, gives nothing away.
    Map<String, String> liveWithGemini = new HashMap<>(LIVE_STRIPE);
    liveWithGemini.put("GEMINI_API_KEY", "k");
    assertTrue(Settings.from(new JsonObject(), liveWithGemini).ollamaSandbox());
    assertFalse(Settings.from(new JsonObject(), Map.of("OLLAMA_URL", "http://127.0.0.1:11434")).ollamaSandbox());
  }

  @Test
  void theGenerationBlockIsCheckedValueByValue() {
    ProvidersConfig custom = Settings.from(new JsonObject().put("generation", new JsonObject()
        .put("providers", new JsonObject().put("ollama", new JsonObject().put("perUrl", 0).put("currency", "EUR")
            .put("model", "qwen2.5:7b").put("paid", false)))
        .put("pageConcurrency", 3)), Map.of()).providers();
    assertEquals(3, custom.pageConcurrency());
    assertEquals("eur", custom.provider("ollama").currency());
    assertEquals(null, custom.provider("gemini"));
    assertBad(new JsonObject().put("pageConcurrency", 0), "generation.pageConcurrency must be a whole number from 1 to 64 (got 0)");
    assertBad(new JsonObject().put("workers", 2), "generation.workers is not a generation setting (providers, pageConcurrency)");
    assertBad(provider("claude", 0.1, "eur", "x", true), "generation.providers.claude is not a provider genpay knows (gemini, ollama)");
    assertBad(provider("gemini", -1, "eur", "g", true), "generation.providers.gemini.perUrl must be a number of at least 0 (the price of one URL)");
    assertBad(provider("gemini", 0.1, "euro", "g", true), "generation.providers.gemini.currency must be a three-letter ISO currency code");
    assertBad(provider("gemini", 0.1, "eur", "../admin", true), "generation.providers.gemini.model must be a model name such as gemini-2.5-flash or llama3.2");
    assertBad(provider("gemini", 0.1, "eur", "g", false), "generation.providers.gemini.paid must be true exactly when perUrl is above 0");
  }

  @Test
  void sandboxFaultsNameTheSetting() {
    assertEquals(1.0, LlmFaults.parse("gemini_fail=1.0").of("gemini").fail());
    assertEquals(0.0, LlmFaults.parse("gemini_fail=1.0").of("ollama").fail());
    for (String bad : new String[] {"gemini_boom=1", "claude_fail=1", "gemini_fail=2", "gemini_fail=0.6,gemini_429=0.6"}) {
      ConfigException e = assertThrows(ConfigException.class,
          () -> Settings.from(new JsonObject(), Map.of("SANDBOX_LLM_FAULTS", bad)), bad);
      assertTrue(e.getMessage().startsWith("Bad configuration: SANDBOX_LLM_FAULTS "), e.getMessage());
      assertFalse(e.getMessage().contains("\n"));
    }
  }

  private static JsonObject provider(String name, double perUrl, String currency, String model, boolean paid) {
    return new JsonObject().put("providers", new JsonObject().put(name, new JsonObject().put("perUrl", perUrl)
        .put("currency", currency).put("model", model).put("paid", paid)));
  }

  private static void assertBad(JsonObject generation, String message) {
    ConfigException e = assertThrows(ConfigException.class,
        () -> Settings.from(new JsonObject().put("generation", generation), Map.of()));
    assertEquals("Bad configuration: " + message, e.getMessage());
  }

  private static byte[] readConf() {
    try {
      return java.nio.file.Files.readAllBytes(java.nio.file.Path.of("conf/application.json"));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
