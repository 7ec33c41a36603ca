package genpay.mail;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.text.NumberFormat;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The messages' words, in the order's language (English and German; any other falls back to English), as plain
 * text and as simple HTML in which everything that came from an order is escaped. Pure: no Vert.x, no I/O.
 */
public final class MailTemplates {

  /** The locales an order may carry (the pages accept the same). */
  public static final Pattern LOCALE = Pattern.compile("^[a-z]{2}(-[A-Z]{2})?$");
  private static final String FALLBACK_TOOL = "genpay";

  private MailTemplates() {
  }

  /**
   * The message for an order that has ended: {@code session} is the session snapshot of DESIGN.md section 4.
   * Null when the order has not ended (nothing to say yet).
   */
  public static Mail orderEnded(String to, String locale, JsonObject session, String appUrl) {
    String status = session.getString("status");
    if (!"completed".equals(status) && !"error".equals(status)) {
      return null;
    }
    String pathLocale = locale != null && LOCALE.matcher(locale).matches() ? locale : "en";
    Words words = Words.of(pathLocale);
    String sessionId = session.getString("sessionId");
    String tool = session.getString("toolTitle");
    tool = tool == null || tool.isBlank() ? FALLBACK_TOOL : tool;
    String orderLink = appUrl + "/" + pathLocale + "/payment-success/" + sessionId;

    List<Line> lines = new ArrayList<>();
    int ready = 0;
    JsonArray files = session.getJsonArray("files", new JsonArray());
    for (int i = 0; i < files.size(); i++) {
      JsonObject file = files.getJsonObject(i);
      int number = i + 1;
      if ("completed".equals(file.getString("status"))) {
        ready++;
        lines.add(Line.ready(words.video(number), appUrl + "/" + pathLocale + "/file/" + file.getString("id"),
            httpUrl(file.getString("url"))));
      } else {
        lines.add(Line.failed(words.failed(number, refund(file.getJsonObject("refund"), words))));
      }
    }
    int count = files.size();
    int failed = count - ready;
    String subject = failed == 0 ? words.readySubject(count) : words.failedSubject(failed, count);
    String intro = failed == 0 ? words.readyIntro(count, tool) : words.failedIntro(ready, failed, count, tool);
    return new Mail(to, subject, text(words, intro, lines, orderLink, sessionId),
        html(words, subject, intro, lines, orderLink, sessionId));
  }

  /**
   * A credits purchase was granted: {@code purchase} as {@code purchases.get} gives it (credits and bonus in
   * hundredths, price in cents). English or German.
   */
  public static Mail creditsBought(String to, String locale, JsonObject purchase, String appUrl) {
    String pathLocale = locale != null && LOCALE.matcher(locale).matches() ? locale : "en";
    boolean german = pathLocale.startsWith("de");
    Locale format = german ? Locale.forLanguageTag(pathLocale) : Locale.forLanguageTag("en-US");
    String credits = BigDecimal.valueOf(purchase.getLong("credits", 0L), 2).stripTrailingZeros().toPlainString();
    long bonusHundredths = purchase.getLong("bonus", 0L);
    String bonus = BigDecimal.valueOf(bonusHundredths, 2).stripTrailingZeros().toPlainString();
    String price = money(purchase.getLong("priceCents", 0L), purchase.getString("currency"), format);
    String link = appUrl + "/" + pathLocale + "/credits";
    String subject = german ? credits + " Credits gekauft" : credits + " credits bought";
    String intro = german
        ? "Danke für Ihren Kauf: " + credits + " Credits" + (bonusHundredths > 0 ? " und " + bonus + " Bonus-Credits" : "")
            + " für " + price + " sind Ihrem Konto gutgeschrieben."
        : "Thank you for your purchase: " + credits + " credits" + (bonusHundredths > 0 ? " and " + bonus
            + " bonus credits" : "") + " for " + price + " are now in your account.";
    String never = german ? "Gekaufte Credits verfallen nicht." : "Purchased credits never expire.";
    String see = german ? "Ihr Guthaben" : "Your balance";
    String reference = (german ? "Referenz: " : "Reference: ") + purchase.getString("sessionId", "");
    String text = intro + "\n\n" + never + "\n\n" + see + ": " + link + "\n\n" + reference + "\n";
    String html = """
        <!doctype html>
        <html lang="%s"><head><meta charset="utf-8"><title>%s</title></head>
        <body style="font-family:system-ui,sans-serif;color:#1a1a2e;max-width:36rem">
        <p>%s</p>
        <p>%s</p>
        <p><a href="%s">%s</a></p>
        <p style="color:#666">%s</p>
        </body></html>
        """.formatted(german ? "de" : "en", escape(subject), escape(intro), escape(never), escape(link), escape(see),
        escape(reference));
    return new Mail(to, subject, text, html);
  }

  /**
   * A subscription's payment failed: {@code failed} as {@code billing.payment.failed.mail} gives it ({@code plan,
   * amountDue} in minor units, {@code currency, nextPaymentAttempt} in epoch seconds or null when Stripe tries no
   * more, {@code hostedInvoiceUrl, invoiceId}). English or German.
   */
  public static Mail subscriptionPaymentFailed(String to, String locale, JsonObject failed, String appUrl) {
    String pathLocale = locale != null && LOCALE.matcher(locale).matches() ? locale : "en";
    boolean german = pathLocale.startsWith("de");
    Locale format = german ? Locale.forLanguageTag(pathLocale) : Locale.forLanguageTag("en-US");
    String plan = failed.getString("plan");
    String planName = plan == null || plan.isBlank() ? "genpay"
        : "genpay " + plan.substring(0, 1).toUpperCase(Locale.ROOT) + plan.substring(1);
    String amount = money(failed.getLong("amountDue", 0L), failed.getString("currency"), format);
    Long next = failed.getValue("nextPaymentAttempt") instanceof Number n ? n.longValue() : null;
    String when = next == null ? null : java.time.format.DateTimeFormatter.ofLocalizedDate(
        java.time.format.FormatStyle.LONG).withLocale(format)
        .format(java.time.Instant.ofEpochSecond(next).atZone(java.time.ZoneOffset.UTC).toLocalDate());
    String link = appUrl + "/" + pathLocale + "/account";
    String invoice = httpUrl(failed.getString("hostedInvoiceUrl"));
    String subject = german ? "Zahlung für " + planName + " fehlgeschlagen" : "Payment for " + planName + " failed";
    String intro = german
        ? "Wir konnten " + amount + " für Ihr Abonnement " + planName + " nicht von Ihrer Karte abbuchen."
        : "We could not charge " + amount + " for your " + planName + " subscription to your card.";
    String retry = german
        ? (when == null ? "Es folgen keine weiteren Versuche: Ohne Zahlung endet das Abonnement und Ihr Konto wechselt in den Free-Tarif. Gekaufte Credits bleiben erhalten."
            : "Wir versuchen es am " + when + " erneut. Ihr Tarif bleibt bis dahin bestehen; neue Credits gibt es erst nach der Zahlung.")
        : (when == null ? "There will be no further attempts: without a payment the subscription ends and your account returns to the free plan. Purchased credits stay."
            : "We will try again on " + when + ". Your plan stays meanwhile; new credits come once the payment goes through.");
    String update = german ? "Karte aktualisieren" : "Update your card";
    String see = german ? "Rechnung ansehen" : "View the invoice";
    String reference = (german ? "Referenz: " : "Reference: ") + failed.getString("invoiceId", "");
    String text = intro + "\n\n" + retry + "\n\n" + update + ": " + link + "\n"
        + (invoice == null ? "" : see + ": " + invoice + "\n") + "\n" + reference + "\n";
    String html = """
        <!doctype html>
        <html lang="%s"><head><meta charset="utf-8"><title>%s</title></head>
        <body style="font-family:system-ui,sans-serif;color:#1a1a2e;max-width:36rem">
        <p>%s</p>
        <p>%s</p>
        <p><a href="%s">%s</a></p>
        %s<p style="color:#666">%s</p>
        </body></html>
        """.formatted(german ? "de" : "en", escape(subject), escape(intro), escape(retry), escape(link), escape(update),
        invoice == null ? "" : "<p><a href=\"" + escape(invoice) + "\">" + escape(see) + "</a></p>\n",
        escape(reference));
    return new Mail(to, subject, text, html);
  }

  /** The sign-in link ({@code {APP_URL}/auth/verify?token=…}), in English or German. */
  public static Mail signIn(String to, String locale, String link) {
    String pathLocale = locale != null && LOCALE.matcher(locale).matches() ? locale : "en";
    Words words = Words.of(pathLocale);
    String text = words.signInIntro() + "\n\n" + link + "\n\n" + words.signInOnce() + "\n\n" + words.signInIgnore()
        + "\n";
    String html = """
        <!doctype html>
        <html lang="%s"><head><meta charset="utf-8"><title>%s</title></head>
        <body style="font-family:system-ui,sans-serif;color:#1a1a2e;max-width:36rem">
        <p>%s</p>
        <p><a href="%s">%s</a></p>
        <p>%s</p>
        <p>%s</p>
        </body></html>
        """.formatted(words.language, escape(words.signInSubject()), escape(words.signInIntro()), escape(link),
        escape(words.signInButton()), escape(words.signInOnce()), escape(words.signInIgnore()));
    return new Mail(to, words.signInSubject(), text, html);
  }

  /**
   * An amount in minor units as the locale writes it: 500 usd is "$5.00" in English and "5,00 $" in German; the
   * currency's own number of decimals (none for JPY).
   */
  public static String money(long minor, String currency, Locale locale) {
    String code = currency == null ? "" : currency.toUpperCase(Locale.ROOT);
    try {
      Currency unit = Currency.getInstance(code);
      int digits = Math.max(0, unit.getDefaultFractionDigits());
      NumberFormat format = NumberFormat.getCurrencyInstance(locale);
      format.setCurrency(unit);
      format.setMinimumFractionDigits(digits);
      format.setMaximumFractionDigits(digits);
      return format.format(BigDecimal.valueOf(minor, digits));
    } catch (IllegalArgumentException unknownCurrency) {
      return minor + " " + code;
    }
  }

  /** For text in HTML and in attribute values. */
  public static String escape(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  /** What the buyer gets back for a video that failed, in words; null when nothing is refunded. */
  private static String refund(JsonObject refund, Words words) {
    if (refund == null || refund.getLong("amount", 0L) <= 0) {
      return null;
    }
    String amount = money(refund.getLong("amount"), refund.getString("currency"), words.locale);
    return switch (refund.getString("status", "owed")) {
      case "succeeded", "pending" -> words.wasRefunded(amount);
      case "failed", "canceled" -> words.refundFailed(amount);
      default -> words.beingRefunded(amount);
    };
  }

  /** The provider's URL, offered as a download only when it is an http(s) link. */
  private static String httpUrl(String url) {
    return url != null && (url.startsWith("https://") || url.startsWith("http://")) ? url : null;
  }

  private static String text(Words words, String intro, List<Line> lines, String orderLink, String sessionId) {
    StringBuilder text = new StringBuilder(intro).append("\n\n");
    for (Line line : lines) {
      if (line.link() == null) {
        text.append(line.label()).append('\n');
      } else {
        text.append(line.label()).append(": ").append(line.link()).append('\n');
        if (line.download() != null) {
          text.append("  ").append(words.download()).append(": ").append(line.download()).append('\n');
        }
      }
    }
    text.append('\n').append(words.wholeOrder()).append(": ").append(orderLink).append('\n')
        .append(words.orderNumber()).append(": ").append(sessionId).append("\n\n")
        .append(words.thanks()).append('\n');
    return text.toString();
  }

  private static String html(Words words, String subject, String intro, List<Line> lines, String orderLink,
                             String sessionId) {
    StringBuilder items = new StringBuilder();
    for (Line line : lines) {
      items.append("<li>");
      if (line.link() == null) {
        items.append(escape(line.label()));
      } else {
        items.append("<a href=\"").append(escape(line.link())).append("\">").append(escape(line.label())).append("</a>");
        if (line.download() != null) {
          items.append(" &middot; <a href=\"").append(escape(line.download())).append("\">")
              .append(escape(words.download())).append("</a>");
        }
      }
      items.append("</li>\n");
    }
    return """
        <!doctype html>
        <html lang="%s"><head><meta charset="utf-8"><title>%s</title></head>
        <body style="font-family:system-ui,sans-serif;color:#1a1a2e;max-width:36rem">
        <p>%s</p>
        <ul>
        %s</ul>
        <p><a href="%s">%s</a><br>%s: %s</p>
        <p>%s</p>
        </body></html>
        """.formatted(words.language, escape(subject), escape(intro), items, escape(orderLink),
        escape(words.wholeOrder()), escape(words.orderNumber()), escape(sessionId), escape(words.thanks()));
  }

  /** One video in the message: a link to its page (and its download), or the line that says it failed. */
  private record Line(String label, String link, String download) {
    static Line ready(String label, String link, String download) {
      return new Line(label, link, download);
    }

    static Line failed(String label) {
      return new Line(label, null, null);
    }
  }

  /** The words of one language; {@link #locale} formats the amounts. */
  private abstract static class Words {
    final String language;
    final Locale locale;

    Words(String language, Locale locale) {
      this.language = language;
      this.locale = locale;
    }

    static Words of(String orderLocale) {
      return orderLocale.startsWith("de") ? new German(Locale.forLanguageTag(orderLocale))
          : new English(orderLocale.startsWith("en") ? Locale.forLanguageTag(orderLocale) : Locale.ENGLISH);
    }

    abstract String readySubject(int count);

    abstract String failedSubject(int failed, int count);

    abstract String readyIntro(int count, String tool);

    abstract String failedIntro(int ready, int failed, int count, String tool);

    abstract String video(int number);

    /** "Video 2 could not be made", and what is refunded when {@code refund} is not null. */
    abstract String failed(int number, String refund);

    abstract String beingRefunded(String amount);

    abstract String wasRefunded(String amount);

    abstract String refundFailed(String amount);

    abstract String download();

    abstract String wholeOrder();

    abstract String orderNumber();

    abstract String thanks();

    abstract String signInSubject();

    abstract String signInIntro();

    abstract String signInButton();

    abstract String signInOnce();

    abstract String signInIgnore();
  }

  private static final class English extends Words {
    English(Locale locale) {
      super("en", locale);
    }

    String readySubject(int count) {
      return count == 1 ? "Your video is ready" : "Your videos are ready";
    }

    String failedSubject(int failed, int count) {
      if (failed == count) {
        return count == 1 ? "Your video could not be made" : "Your videos could not be made";
      }
      return failed + " of your " + count + " videos could not be made";
    }

    String readyIntro(int count, String tool) {
      return count == 1 ? "Your video from " + tool + " is ready."
          : "Your " + count + " videos from " + tool + " are ready.";
    }

    String failedIntro(int ready, int failed, int count, String tool) {
      if (ready == 0) {
        return count == 1 ? "Your video from " + tool + " could not be made."
            : "None of your " + count + " videos from " + tool + " could be made.";
      }
      return "Your order from " + tool + " has ended: " + ready + " of " + count + " videos "
          + (ready == 1 ? "is" : "are") + " ready, " + failed + " could not be made.";
    }

    String video(int number) {
      return "Video " + number;
    }

    String failed(int number, String refund) {
      return "Video " + number + " could not be made" + (refund == null ? "." : "; " + refund);
    }

    String beingRefunded(String amount) {
      return amount + " is being refunded to your card.";
    }

    String wasRefunded(String amount) {
      return amount + " was refunded to your card.";
    }

    String refundFailed(String amount) {
      return "the refund of " + amount + " did not go through. Please contact us with your order number.";
    }

    String download() {
      return "Download";
    }

    String wholeOrder() {
      return "Your order";
    }

    String orderNumber() {
      return "Order number";
    }

    String thanks() {
      return "Thank you for your order.";
    }

    String signInSubject() {
      return "Your sign-in link for genpay";
    }

    String signInIntro() {
      return "Open this link to sign in to genpay:";
    }

    String signInButton() {
      return "Sign in";
    }

    String signInOnce() {
      return "The link works once, for 15 minutes.";
    }

    String signInIgnore() {
      return "If you did not ask for it, ignore this message: nobody can sign in without the link.";
    }
  }

  private static final class German extends Words {
    German(Locale locale) {
      super("de", locale);
    }

    String readySubject(int count) {
      return count == 1 ? "Ihr Video ist fertig" : "Ihre Videos sind fertig";
    }

    String failedSubject(int failed, int count) {
      if (failed == count) {
        return count == 1 ? "Ihr Video konnte nicht erstellt werden" : "Ihre Videos konnten nicht erstellt werden";
      }
      return failed + " von " + count + " Videos " + (failed == 1 ? "konnte" : "konnten") + " nicht erstellt werden";
    }

    String readyIntro(int count, String tool) {
      return count == 1 ? "Ihr Video von " + tool + " ist fertig."
          : "Ihre " + count + " Videos von " + tool + " sind fertig.";
    }

    String failedIntro(int ready, int failed, int count, String tool) {
      if (ready == 0) {
        return count == 1 ? "Ihr Video von " + tool + " konnte nicht erstellt werden."
            : "Keines Ihrer " + count + " Videos von " + tool + " konnte erstellt werden.";
      }
      return "Ihre Bestellung bei " + tool + " ist abgeschlossen: " + ready + " von " + count + " Videos "
          + (ready == 1 ? "ist" : "sind") + " fertig, " + failed + " " + (failed == 1 ? "konnte" : "konnten")
          + " nicht erstellt werden.";
    }

    String video(int number) {
      return "Video " + number;
    }

    String failed(int number, String refund) {
      return "Video " + number + " konnte nicht erstellt werden" + (refund == null ? "." : "; " + refund);
    }

    String beingRefunded(String amount) {
      return amount + " werden Ihrer Karte erstattet.";
    }

    String wasRefunded(String amount) {
      return amount + " wurden Ihrer Karte erstattet.";
    }

    String refundFailed(String amount) {
      return "die Erstattung von " + amount + " ist fehlgeschlagen. Bitte kontaktieren Sie uns mit Ihrer Bestellnummer.";
    }

    String download() {
      return "Herunterladen";
    }

    String wholeOrder() {
      return "Ihre Bestellung";
    }

    String orderNumber() {
      return "Bestellnummer";
    }

    String thanks() {
      return "Vielen Dank für Ihre Bestellung.";
    }

    String signInSubject() {
      return "Ihr Anmeldelink für genpay";
    }

    String signInIntro() {
      return "Öffnen Sie diesen Link, um sich bei genpay anzumelden:";
    }

    String signInButton() {
      return "Anmelden";
    }

    String signInOnce() {
      return "Der Link funktioniert einmal und 15 Minuten lang.";
    }

    String signInIgnore() {
      return "Wenn Sie ihn nicht angefordert haben, ignorieren Sie diese Nachricht: Ohne den Link kann sich niemand anmelden.";
    }
  }
}
