package genpay.config;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SettingsTest {

  @Test
  void defaultsRunOnSandboxesWithEmbeddedRedis() {
    Settings settings = Settings.from(new JsonObject(), Map.of());
    assertEquals(8080, settings.port());
    assertEquals("http://localhost:8080", settings.appUrl());
    assertTrue(settings.embeddedRedis());
    assertTrue(settings.stripeSandbox());
    assertTrue(settings.providerSandbox());
    assertEquals(List.of(Settings.SANDBOX_WEBHOOK_SECRET), settings.stripeWebhookSecrets());
    assertEquals(Settings.SANDBOX_PRICE_ID, settings.stripePriceId());
    assertEquals("always", settings.redisAppendFsync());
  }

  @Test
  void environmentOverridesTheFile() {
    JsonObject file = new JsonObject().put("PORT", 9000).put("PRICE_AMOUNT", 700);
    Settings settings = Settings.from(file, Map.of("PORT", "9100", "APP_URL", "https://gen.example.com/"));
    assertEquals(9100, settings.port());
    assertEquals(700, settings.priceAmount());
    assertEquals("https://gen.example.com", settings.appUrl());
  }

  @Test
  void badPortNamesTheSettingInOneLine() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> Settings.from(new JsonObject(), Map.of("PORT", "eighty")));
    assertEquals("Bad configuration: PORT must be a whole number from 1 to 65535 (got \"eighty\")", e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
  }

  @Test
  void badSecretKeyIsNamedButNeverEchoed() {
    String secret = "whsec_pasted_into_the_wrong_place_123";
    ConfigException e = assertThrows(ConfigException.class,
        () -> Settings.from(new JsonObject(), Map.of("STRIPE_SECRET_KEY", secret)));
    assertTrue(e.getMessage().contains("STRIPE_SECRET_KEY"));
    assertFalse(e.getMessage().contains(secret));
  }

  @Test
  void liveKeysNeedWebhookSecretAndPrice() {
    ConfigException noSecret = assertThrows(ConfigException.class,
        () -> Settings.from(new JsonObject(), Map.of("STRIPE_SECRET_KEY", "sk_live_abc")));
    assertTrue(noSecret.getMessage().contains("STRIPE_WEBHOOK_SECRET"));
    ConfigException noPrice = assertThrows(ConfigException.class, () -> Settings.from(new JsonObject(),
        Map.of("STRIPE_SECRET_KEY", "sk_live_abc", "STRIPE_WEBHOOK_SECRET", "whsec_a")));
    assertTrue(noPrice.getMessage().contains("STRIPE_PRICE_ID"));
    Settings live = Settings.from(new JsonObject(), Map.of("STRIPE_SECRET_KEY", "sk_live_abc",
        "STRIPE_WEBHOOK_SECRET", "whsec_a, whsec_b", "STRIPE_PRICE_ID", "price_123",
        "GENERATION_API_URL", "https://api.example.com", "GENERATION_API_TOKEN", "token",
        "MAIL_URL", "smtps://mail.example.com", "GEMINI_API_KEY", "gemini-key"));
    assertFalse(live.stripeSandbox());
    assertEquals(List.of("whsec_a", "whsec_b"), live.stripeWebhookSecrets());
    assertFalse(live.toString().contains("sk_live_abc"));
  }

  @Test
  void clusterNeedsASharedRedis() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> Settings.from(new JsonObject(), Map.of("CLUSTER", "true")));
    assertTrue(e.getMessage().startsWith("Bad configuration: REDIS_URL"));
  }

  @Test
  void stripeSandboxShuffleIsOffUnlessAsked() throws Exception {
    assertFalse(Settings.from(new JsonObject(), Map.of()).sandboxStripeShuffle());
    assertTrue(Settings.from(new JsonObject(), Map.of("SANDBOX_STRIPE_SHUFFLE", "true")).sandboxStripeShuffle());
    JsonObject shipped = new JsonObject(java.nio.file.Files.readString(java.nio.file.Path.of("conf/application.json")));
    assertFalse(Settings.from(shipped, Map.of()).sandboxStripeShuffle(), "the shipped file names it, off");
    ConfigException bad = assertThrows(ConfigException.class,
        () -> Settings.from(new JsonObject(), Map.of("SANDBOX_STRIPE_SHUFFLE", "sometimes")));
    assertTrue(bad.getMessage().contains("SANDBOX_STRIPE_SHUFFLE"), bad.getMessage());
  }

  @Test
  void unknownFileKeyAndBadValuesAreRefused() {
    assertThrows(ConfigException.class, () -> Settings.from(new JsonObject().put("PROT", 1), Map.of()));
    assertThrows(ConfigException.class, () -> Settings.from(new JsonObject(), Map.of("REDIS_URL", "localhost:6379")));
    assertThrows(ConfigException.class, () -> Settings.from(new JsonObject(), Map.of("CLUSTER", "maybe")));
    assertThrows(ConfigException.class, () -> Settings.from(new JsonObject(), Map.of("REDIS_APPENDFSYNC", "never")));
    assertThrows(ConfigException.class,
        () -> Settings.from(new JsonObject(), Map.of("GENERATION_API_URL", "https://api.example.com")));
  }

  @Test
  void providerFaultsParse() {
    ProviderFaults faults = ProviderFaults.parse("5xx=0.1,429=0.05,timeout=0.02,fail=0.05");
    assertEquals(0.1, faults.serverError());
    assertEquals(0.05, faults.tooManyRequests());
    assertEquals(0.02, faults.timeout());
    assertEquals(0.05, faults.fail());
    assertEquals(ProviderFaults.NONE, ProviderFaults.parse(""));
    assertThrows(ConfigException.class, () -> ProviderFaults.parse("5xx=2"));
    assertThrows(ConfigException.class, () -> ProviderFaults.parse("boom=0.1"));
    assertThrows(ConfigException.class, () -> ProviderFaults.parse("5xx=0.6,429=0.6"));
  }

  @Test
  void checkoutRateLimitAndTrustedProxies() {
    Settings defaults = Settings.from(new JsonObject(), Map.of());
    assertEquals(60, defaults.checkoutRatePerMinute());
    assertEquals(List.of(), defaults.trustedProxies());
    Settings set = Settings.from(new JsonObject(), Map.of("CHECKOUT_RATE_PER_MINUTE", "0",
        "TRUSTED_PROXIES", " 10.0.0.1, ::1 ,[2001:db8::7],"));
    assertEquals(0, set.checkoutRatePerMinute());
    assertEquals(List.of("10.0.0.1", "0:0:0:0:0:0:0:1", "2001:db8:0:0:0:0:0:7"), set.trustedProxies());
    assertEquals(set.trustedProxies(), set.withRedisUrl("redis://127.0.0.1:1").trustedProxies());
    assertTrue(assertThrows(ConfigException.class, () -> Settings.from(new JsonObject(),
        Map.of("CHECKOUT_RATE_PER_MINUTE", "-1"))).getMessage().contains("CHECKOUT_RATE_PER_MINUTE"));
  }

  @Test
  void trustedProxiesMustBeAddressesNotNames() {
    for (String bad : List.of("localhost", "proxy.example.com", "10.0.0.256", "10.0.0.1/24", "10.0.0.1:80")) {
      ConfigException e = assertThrows(ConfigException.class,
          () -> Settings.from(new JsonObject(), Map.of("TRUSTED_PROXIES", "10.0.0.2," + bad)), bad);
      assertEquals("Bad configuration: TRUSTED_PROXIES must be a comma-separated list of IP addresses (got \""
          + bad + "\")", e.getMessage());
    }
  }

  @Test
  void publishableKeyDefaultsOnlyInTheSandbox() {
    assertEquals(Settings.SANDBOX_PUBLISHABLE_KEY, Settings.from(new JsonObject(), Map.of()).stripePublishableKey());
    assertNull(Settings.from(new JsonObject(), Map.of("STRIPE_SECRET_KEY", "sk_test_x",
        "STRIPE_WEBHOOK_SECRET", "whsec_a", "STRIPE_PRICE_ID", "price_1",
        "GENERATION_API_URL", "https://api.example.com", "GENERATION_API_TOKEN", "token")).stripePublishableKey());
  }

  private static final Map<String, String> REAL_STRIPE = Map.of("STRIPE_SECRET_KEY", "sk_test_x",
      "STRIPE_WEBHOOK_SECRET", "whsec_a", "STRIPE_PRICE_ID", "price_1");
  private static final Map<String, String> REAL_PROVIDER = Map.of(
      "GENERATION_API_URL", "https://api.example.com", "GENERATION_API_TOKEN", "token");

  private static Map<String, String> env(Map<String, String> first, Map<String, String> second) {
    Map<String, String> all = new java.util.HashMap<>(first);
    all.putAll(second);
    return all;
  }

  @Test
  void aRealProviderBehindTheStripeSandboxIsRefused() {
    ConfigException e = assertThrows(ConfigException.class, () -> Settings.from(new JsonObject(), REAL_PROVIDER));
    assertEquals("Bad configuration: GENERATION_API_URL is set but STRIPE_SECRET_KEY is not: a real provider "
        + "behind the Stripe sandbox would give generations away (set both, neither, or ALLOW_MIXED_SANDBOX=true)",
        e.getMessage());
  }

  @Test
  void realStripeBeforeTheProviderSandboxIsRefused() {
    ConfigException e = assertThrows(ConfigException.class, () -> Settings.from(new JsonObject(), REAL_STRIPE));
    assertEquals("Bad configuration: STRIPE_SECRET_KEY is set but GENERATION_API_URL is not: real payments would "
        + "buy the provider sandbox's sample clips (set both, neither, or ALLOW_MIXED_SANDBOX=true)", e.getMessage());
  }

  @Test
  void eitherMixStartsWhenAllowedExplicitly() {
    Settings stripeSandbox = Settings.from(new JsonObject(), env(REAL_PROVIDER, Map.of("ALLOW_MIXED_SANDBOX", "true")));
    assertTrue(stripeSandbox.stripeSandbox());
    assertFalse(stripeSandbox.providerSandbox());
    assertTrue(stripeSandbox.allowMixedSandbox());
    Settings providerSandbox = Settings.from(new JsonObject().put("ALLOW_MIXED_SANDBOX", true), REAL_STRIPE);
    assertFalse(providerSandbox.stripeSandbox());
    assertTrue(providerSandbox.providerSandbox());
    assertThrows(ConfigException.class,
        () -> Settings.from(new JsonObject(), env(REAL_STRIPE, Map.of("ALLOW_MIXED_SANDBOX", "false"))));
  }

  @Test
  void pureConfigurationsNeedNoFlag() {
    Settings sandboxes = Settings.from(new JsonObject(), Map.of());
    assertTrue(sandboxes.stripeSandbox() && sandboxes.providerSandbox());
    assertFalse(sandboxes.allowMixedSandbox());
    Settings real = Settings.from(new JsonObject(), env(REAL_STRIPE, REAL_PROVIDER));
    assertFalse(real.stripeSandbox() || real.providerSandbox());
  }

  @Test
  void tlsNeedsBothFilesAndNamesTheMissingOne() throws Exception {
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("genpay-settings-tls-");
    String cert = genpay.TestEngine.devCertificate(dir).get("TLS_CERT_FILE");
    String key = dir.resolve("key.pem").toString();
    ConfigException noKey = assertThrows(ConfigException.class,
        () -> Settings.from(new JsonObject(), Map.of("TLS_CERT_FILE", cert)));
    assertEquals("Bad configuration: TLS_KEY_FILE is required when TLS_CERT_FILE is set (set both, or neither for "
        + "plain HTTP)", noKey.getMessage());
    ConfigException noCert = assertThrows(ConfigException.class,
        () -> Settings.from(new JsonObject(), Map.of("TLS_KEY_FILE", key)));
    assertTrue(noCert.getMessage().startsWith("Bad configuration: TLS_CERT_FILE is required"), noCert.getMessage());
    String missing = dir.resolve("nowhere.pem").toString();
    ConfigException absent = assertThrows(ConfigException.class,
        () -> Settings.from(new JsonObject(), Map.of("TLS_CERT_FILE", missing, "TLS_KEY_FILE", key)));
    assertEquals("Bad configuration: TLS_CERT_FILE must name a readable PEM file (got \"" + missing + "\")",
        absent.getMessage());
    // The two swapped: each file is checked for what it must hold, and the key is never echoed.
    ConfigException swapped = assertThrows(ConfigException.class,
        () -> Settings.from(new JsonObject(), Map.of("TLS_CERT_FILE", key, "TLS_KEY_FILE", cert)));
    assertTrue(swapped.getMessage().startsWith("Bad configuration: TLS_KEY_FILE must hold a PEM private key"),
        swapped.getMessage());
    ConfigException notACert = assertThrows(ConfigException.class,
        () -> Settings.from(new JsonObject(), Map.of("TLS_CERT_FILE", key, "TLS_KEY_FILE", key)));
    assertTrue(notACert.getMessage().startsWith("Bad configuration: TLS_CERT_FILE must hold a PEM certificate"),
        notACert.getMessage());
    assertFalse(notACert.getMessage().contains("PRIVATE"));
    for (ConfigException e : List.of(noKey, noCert, absent, swapped, notACert)) {
      assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
  }

  @Test
  void tlsTurnsAppUrlAndTheLoopbackToHttps() throws Exception {
    Map<String, String> tls = genpay.TestEngine.devCertificate(java.nio.file.Files.createTempDirectory("genpay-tls-"));
    Settings plain = Settings.from(new JsonObject(), Map.of("PORT", "8443"));
    assertFalse(plain.https());
    assertNull(plain.selfTrust());
    assertEquals("http://127.0.0.1:8443", plain.loopbackUrl());
    Map<String, String> env = new java.util.HashMap<>(tls);
    env.put("PORT", "8443");
    Settings https = Settings.from(new JsonObject(), env);
    assertTrue(https.https());
    assertEquals("https://localhost:8443", https.appUrl(), "APP_URL unset follows the scheme");
    assertEquals("https://127.0.0.1:8443", https.loopbackUrl());
    assertEquals("https://127.0.0.1:8443/sandbox/provider", https.effectiveProviderUrl());
    env.put("APP_URL", "https://pay.example.com");
    assertEquals("https://pay.example.com", Settings.from(new JsonObject(), env).appUrl(), "a set APP_URL is kept");
  }

  @Test
  void redisShardsDefaultsTo64AndIsOneTo16384() {
    assertEquals(64, Settings.from(new JsonObject(), Map.of()).shards().count());
    assertEquals(16_384, Settings.from(new JsonObject(), Map.of("REDIS_SHARDS", "16384")).redisShards());
    assertEquals(8, Settings.from(new JsonObject(), Map.of("REDIS_SHARDS", "8")).withRedisUrl("redis://127.0.0.1:1")
        .shards().count());
    ConfigException e = assertThrows(ConfigException.class,
        () -> Settings.from(new JsonObject(), Map.of("REDIS_SHARDS", "0")));
    assertTrue(e.getMessage().contains("REDIS_SHARDS"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
  }
}
