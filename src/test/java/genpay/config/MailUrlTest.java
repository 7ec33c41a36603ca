package genpay.config;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MailUrlTest {

  @Test
  void smtpUsesStartTlsOnTheSubmissionPortByDefault() {
    MailUrl url = MailUrl.parse("smtp://mail.example.com");
    assertFalse(url.implicitTls());
    assertEquals("mail.example.com", url.host());
    assertEquals(587, url.port());
    assertFalse(url.authenticates());
    assertNull(url.password());
  }

  @Test
  void smtpsIsImplicitTlsOn465() {
    MailUrl url = MailUrl.parse("SMTPS://relay.example.com");
    assertTrue(url.implicitTls());
    assertEquals(465, url.port());
  }

  @Test
  void userAndPasswordAreUrlDecodedAndAPlusStaysAPlus() {
    MailUrl url = MailUrl.parse("smtps://me%40example.com:p%2Bss%3Aw%40rd+x@smtp.example.com:2465");
    assertEquals("me@example.com", url.username());
    assertEquals("p+ss:w@rd+x", url.password());
    assertEquals("smtp.example.com", url.host());
    assertEquals(2465, url.port());
    assertTrue(url.authenticates());
  }

  @Test
  void aUserWithoutPasswordAndAnIpv6Host() {
    MailUrl url = MailUrl.parse("smtp://apikey@[::1]:2525");
    assertEquals("apikey", url.username());
    assertNull(url.password());
    assertEquals("::1", url.host());
    assertEquals(2525, url.port());
    assertEquals("smtp://apikey@[::1]:2525", url.toString());
  }

  @Test
  void toStringNeverShowsThePassword() {
    MailUrl url = MailUrl.parse("smtp://user:hunter2secret@127.0.0.1:25");
    assertEquals("smtp://user:***@127.0.0.1:25", url.toString());
    assertFalse(url.toString().contains("hunter2secret"));
  }

  @Test
  void badUrlsStopStartUpWithOneLineNamingTheSettingAndNeverThePassword() {
    for (String bad : new String[] {"http://user:hunter2secret@mail.example.com", "mail.example.com:25",
        "smtp://user:hunter2secret@", "smtp://user:hunter2secret@host:99999", "smtp://user:hunter2secret@host/x",
        "smtp://user:hunter2secret@host:25?tls=no", "smtp://:hunter2secret@host", "smtp://u:hunter2%ZZ@host",
        "smtp://user:hunter2 secret@host", "smtp://bad_host_name:25"}) {
      ConfigException e = assertThrows(ConfigException.class, () -> MailUrl.parse(bad), bad);
      assertTrue(e.getMessage().startsWith("Bad configuration: MAIL_URL "), e.getMessage());
      assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
      assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
  }

  @Test
  void settingsReadMailUrlFromAndRetryCap() {
    Settings sandbox = Settings.from(new JsonObject(), Map.of("APP_URL", "https://shop.example.com"));
    assertTrue(sandbox.mailSandbox());
    assertEquals("genpay <no-reply@shop.example.com>", sandbox.mailFrom());
    assertEquals(300, sandbox.mailRetryMaxSeconds());

    Settings smtp = Settings.from(new JsonObject(), Map.of("MAIL_URL", "smtp://u:hunter2secret@127.0.0.1:2525",
        "MAIL_FROM", "Shop <orders@shop.example.com>", "MAIL_RETRY_MAX_SECONDS", "2", "PORT", "8099"));
    assertFalse(smtp.mailSandbox());
    assertEquals(2525, smtp.mailUrl().port());
    assertEquals("Shop <orders@shop.example.com>", smtp.mailFrom());
    assertEquals(2, smtp.mailRetryMaxSeconds());
    assertEquals("[127.0.0.1]", Settings.from(new JsonObject(), Map.of("APP_URL", "http://127.0.0.1:8080")).mailDomain());
    assertEquals("genpay <no-reply@[127.0.0.1]>", Settings.from(new JsonObject(), Map.of("APP_URL", "http://127.0.0.1:8080")).mailFrom());
    assertFalse(smtp.toString().contains("hunter2secret"), smtp.toString());
    assertEquals(smtp.mailUrl(), smtp.withRedisUrl("redis://127.0.0.1:1").mailUrl());
    assertEquals(smtp.mailFrom(), smtp.withRedisUrl("redis://127.0.0.1:1").mailFrom());

    for (Map<String, String> bad : new Map[] {Map.of("MAIL_FROM", "Shop <orders@shop.example.com>\r\nBcc: x@y.z"),
        Map.of("MAIL_FROM", "not an address"), Map.of("MAIL_RETRY_MAX_SECONDS", "0")}) {
      ConfigException e = assertThrows(ConfigException.class, () -> Settings.from(new JsonObject(), bad));
      assertTrue(e.getMessage().contains(bad.keySet().iterator().next()), e.getMessage());
    }
  }

  @Test
  void liveStripeNeedsARealMailServerBecauseTheSandboxMailboxIsPublic() {
    Map<String, String> live = Map.of("STRIPE_SECRET_KEY", "sk_live_abc", "STRIPE_WEBHOOK_SECRET", "whsec_a",
        "STRIPE_PRICE_ID", "price_1", "GENERATION_API_URL", "https://api.example.com", "GENERATION_API_TOKEN", "t",
        "GEMINI_API_KEY", "gemini-key");
    ConfigException e = assertThrows(ConfigException.class, () -> Settings.from(new JsonObject(), live));
    assertTrue(e.getMessage().startsWith("Bad configuration: MAIL_URL "), e.getMessage());
    java.util.HashMap<String, String> withMail = new java.util.HashMap<>(live);
    withMail.put("MAIL_URL", "smtps://u:p@smtp.example.com");
    assertFalse(Settings.from(new JsonObject(), withMail).mailSandbox());
    java.util.HashMap<String, String> testMode = new java.util.HashMap<>(live);
    testMode.put("STRIPE_SECRET_KEY", "sk_test_abc");
    assertTrue(Settings.from(new JsonObject(), testMode).mailSandbox(), "test-mode keys may use the sandbox mailbox");
  }
}
