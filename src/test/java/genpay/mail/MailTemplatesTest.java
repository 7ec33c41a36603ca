package genpay.mail;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MailTemplatesTest {

  private static final String APP = "https://shop.example.com";
  private static final String SESSION = "cs_test_abc123";
  private static final String FILE_1 = "11111111-1111-4111-8111-111111111111";
  private static final String FILE_2 = "22222222-2222-4222-8222-222222222222";

  private static JsonObject session(String status, JsonObject... files) {
    return new JsonObject().put("sessionId", SESSION).put("status", status).put("toolTitle", "Clip <maker> & co")
        .put("files", new JsonArray(java.util.List.of((Object[]) files)));
  }

  private static JsonObject ready(String id, String url) {
    return new JsonObject().put("id", id).put("status", "completed").put("url", url);
  }

  private static JsonObject failed(String id, String refundStatus, long amount, String currency) {
    return new JsonObject().put("id", id).put("status", "failed").put("refund", refundStatus == null ? null
        : new JsonObject().put("id", null).put("amount", amount).put("currency", currency).put("status", refundStatus));
  }

  @Test
  void readyOrderLinksEveryVideoItsDownloadAndTheOrderPage() {
    Mail mail = MailTemplates.orderEnded("buyer@example.test", "en",
        session("completed", ready(FILE_1, "https://cdn.example.com/1.mp4"), ready(FILE_2, null)), APP);
    assertEquals("buyer@example.test", mail.to());
    assertEquals("Your videos are ready", mail.subject());
    assertTrue(mail.text().contains("Your 2 videos from Clip <maker> & co are ready."), mail.text());
    assertTrue(mail.text().contains("Video 1: " + APP + "/en/file/" + FILE_1 + "\n  Download: https://cdn.example.com/1.mp4"),
        mail.text());
    assertTrue(mail.text().contains("Video 2: " + APP + "/en/file/" + FILE_2 + "\n"), mail.text());
    assertTrue(mail.text().contains("Your order: " + APP + "/en/payment-success/" + SESSION), mail.text());
    assertTrue(mail.html().contains("<a href=\"" + APP + "/en/file/" + FILE_1 + "\">Video 1</a>"), mail.html());
    assertTrue(mail.html().contains("<a href=\"https://cdn.example.com/1.mp4\">Download</a>"), mail.html());
    assertTrue(mail.html().contains("<a href=\"" + APP + "/en/payment-success/" + SESSION + "\">"), mail.html());
    assertTrue(mail.html().contains("Clip &lt;maker&gt; &amp; co"), "the tool title is escaped");
    assertFalse(mail.html().contains("<maker>"), mail.html());
    assertEquals("Your video is ready", MailTemplates.orderEnded("b@x.test", "en",
        session("completed", ready(FILE_1, null)), APP).subject());
  }

  @Test
  void failedVideosSayWhatIsRefundedAndHowFar() {
    Mail owed = MailTemplates.orderEnded("b@x.test", "en",
        session("error", ready(FILE_1, null), failed(FILE_2, "owed", 500, "usd")), APP);
    assertEquals("1 of your 2 videos could not be made", owed.subject());
    assertTrue(owed.text().contains("Video 1: " + APP + "/en/file/" + FILE_1), owed.text());
    assertTrue(owed.text().contains("Video 2 could not be made; $5.00 is being refunded to your card."), owed.text());
    assertFalse(owed.text().contains("/file/" + FILE_2), "no link to a video that does not exist");
    assertTrue(owed.html().contains("<li>Video 2 could not be made; $5.00 is being refunded to your card.</li>"),
        owed.html());

    for (String done : new String[] {"pending", "succeeded"}) {
      Mail refunded = MailTemplates.orderEnded("b@x.test", "en", session("error", failed(FILE_1, done, 1250, "eur")), APP);
      assertEquals("Your video could not be made", refunded.subject());
      assertTrue(refunded.text().contains("Video 1 could not be made; €12.50 was refunded to your card."), refunded.text());
    }
    Mail failedRefund = MailTemplates.orderEnded("b@x.test", "en", session("error", failed(FILE_1, "failed", 500, "usd"),
        failed(FILE_2, null, 0, null)), APP);
    assertEquals("Your videos could not be made", failedRefund.subject());
    assertTrue(failedRefund.text().contains("Video 1 could not be made; the refund of $5.00 did not go through."),
        failedRefund.text());
    assertTrue(failedRefund.text().contains("Video 2 could not be made.\n"), failedRefund.text());
  }

  @Test
  void germanOrdersGetGermanWordsGermanAmountsAndGermanLinks() {
    Mail ready = MailTemplates.orderEnded("b@x.test", "de", session("completed", ready(FILE_1, null), ready(FILE_2, null)), APP);
    assertEquals("Ihre Videos sind fertig", ready.subject());
    assertTrue(ready.text().contains("Video 1: " + APP + "/de/file/" + FILE_1), ready.text());
    assertTrue(ready.text().contains("Ihre Bestellung: " + APP + "/de/payment-success/" + SESSION), ready.text());
    assertTrue(ready.html().startsWith("<!doctype html>\n<html lang=\"de\">"), ready.html());

    Mail error = MailTemplates.orderEnded("b@x.test", "de-AT",
        session("error", ready(FILE_1, null), failed(FILE_2, "owed", 500, "eur")), APP);
    assertEquals("1 von 2 Videos konnte nicht erstellt werden", error.subject());
    assertTrue(error.text().contains("Video 1: " + APP + "/de-AT/file/" + FILE_1), error.text());
    String amount = MailTemplates.money(500, "eur", Locale.forLanguageTag("de-AT"));
    assertTrue(error.text().contains("Video 2 konnte nicht erstellt werden; " + amount + " werden Ihrer Karte erstattet."),
        error.text());
    assertTrue(amount.contains("5,00"), amount);
  }

  @Test
  void otherLanguagesFallBackToEnglishButKeepTheirLinksAndBadLocalesBecomeEn() {
    Mail french = MailTemplates.orderEnded("b@x.test", "fr-FR", session("completed", ready(FILE_1, null)), APP);
    assertEquals("Your video is ready", french.subject());
    assertTrue(french.text().contains(APP + "/fr-FR/file/" + FILE_1), french.text());
    Mail injected = MailTemplates.orderEnded("b@x.test", "en/../../evil", session("completed", ready(FILE_1, null)), APP);
    assertTrue(injected.text().contains(APP + "/en/file/" + FILE_1), injected.text());
    Mail none = MailTemplates.orderEnded("b@x.test", null, session("completed", ready(FILE_1, null)), APP);
    assertTrue(none.text().contains(APP + "/en/payment-success/" + SESSION), none.text());
  }

  @Test
  void amountsFollowTheCurrencyDigitsAndTheLocale() {
    assertEquals("$5.00", MailTemplates.money(500, "usd", Locale.ENGLISH));
    assertEquals("¥500", MailTemplates.money(500, "jpy", Locale.forLanguageTag("en-US")));
    assertEquals("5,00\u00a0€", MailTemplates.money(500, "eur", Locale.GERMAN));
    assertTrue(MailTemplates.money(1234567, "bhd", Locale.ENGLISH).contains("1,234.567"),
        MailTemplates.money(1234567, "bhd", Locale.ENGLISH));
    assertEquals("500 XYZ1", MailTemplates.money(500, "xyz1", Locale.ENGLISH));
  }

  @Test
  void anOrderThatHasNotEndedHasNoMessage() {
    assertNull(MailTemplates.orderEnded("b@x.test", "en", session("processing", ready(FILE_1, null)), APP));
  }

  @Test
  void providerUrlsThatAreNotHttpAreNotLinkedAndEverythingIsEscaped() {
    Mail mail = MailTemplates.orderEnded("b@x.test", "en", session("completed",
        ready(FILE_1, "javascript:alert(1)"), ready(FILE_2, "https://cdn.example.com/a.mp4?x=1&y=\"2\"")), APP);
    assertFalse(mail.html().contains("javascript:"), mail.html());
    assertFalse(mail.text().contains("javascript:"), mail.text());
    assertTrue(mail.html().contains("href=\"https://cdn.example.com/a.mp4?x=1&amp;y=&quot;2&quot;\""), mail.html());
    assertEquals("&lt;a href=&quot;x&quot;&gt;&amp;&#39;", MailTemplates.escape("<a href=\"x\">&'"));
  }

  @Test
  void aFailedSubscriptionPaymentSaysWhatFailedWhenItIsTriedAgainAndWhereToFixItInEnglishOrGerman() {
    JsonObject failed = new JsonObject().put("invoiceId", "in_123").put("plan", "pro").put("amountDue", 2900)
        .put("currency", "usd").put("nextPaymentAttempt", 1_775_001_600L) // 2026-04-01
        .put("hostedInvoiceUrl", "https://pay.example/in_123?a=1&b=<2>");
    Mail english = MailTemplates.subscriptionPaymentFailed("ann@example.com", "en", failed, APP);
    assertEquals("Payment for genpay Pro failed", english.subject());
    assertTrue(english.text().contains("We could not charge $29.00 for your genpay Pro subscription"), english.text());
    assertTrue(english.text().contains("We will try again on April 1, 2026."), english.text());
    assertTrue(english.text().contains(APP + "/en/account"), english.text());
    assertTrue(english.text().contains("Reference: in_123"), english.text());
    assertTrue(english.html().contains("a=1&amp;b=&lt;2&gt;"), "escaped: " + english.html());

    Mail german = MailTemplates.subscriptionPaymentFailed("ann@example.com", "de",
        failed.copy().put("nextPaymentAttempt", null), APP);
    assertEquals("Zahlung für genpay Pro fehlgeschlagen", german.subject());
    assertTrue(german.text().contains("29,00"), german.text());
    assertTrue(german.text().contains("Es folgen keine weiteren Versuche"), german.text());
    assertTrue(german.text().contains(APP + "/de/account"), german.text());
    assertTrue(german.html().startsWith("<!doctype html>\n<html lang=\"de\">"), german.html());
  }

  @Test
  void theSignInMessageCarriesTheLinkInEnglishOrGerman() {
    String link = APP + "/auth/verify?token=abc_DEF-123";
    Mail en = MailTemplates.signIn("me@x.test", "en", link);
    assertEquals("Your sign-in link for genpay", en.subject());
    assertTrue(en.text().contains("\n" + link + "\n"), en.text());
    assertTrue(en.text().contains("15 minutes"), en.text());
    assertTrue(en.html().contains("<a href=\"" + link + "\">Sign in</a>"), en.html());
    Mail de = MailTemplates.signIn("me@x.test", "de-DE", link);
    assertEquals("Ihr Anmeldelink für genpay", de.subject());
    assertTrue(de.html().contains("lang=\"de\""), de.html());
    assertTrue(de.text().contains(link), de.text());
    assertEquals(en.subject(), MailTemplates.signIn("me@x.test", "fr", link).subject(), "others get English");
    Mail quoted = MailTemplates.signIn("me@x.test", "en", APP + "/auth/verify?token=a&b=\"c");
    assertTrue(quoted.html().contains("token=a&amp;b=&quot;c"), "the link is escaped in HTML");
  }
}
