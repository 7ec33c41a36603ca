package genpay.stripe;

import io.vertx.core.json.JsonObject;

import java.util.Locale;

/** The sandbox's hosted checkout page: the amount, and a Pay and a Decline button. */
final class SandboxPayPage {

  private SandboxPayPage() {
  }

  static String render(JsonObject session) {
    String id = session.getString("id");
    boolean open = "open".equals(session.getString("status"));
    String amount = String.format(Locale.ROOT, "%.2f %s", session.getLong("amount_total", 0L) / 100.0,
        session.getString("currency", "usd").toUpperCase(Locale.ROOT));
    String count = session.getJsonObject("metadata", new JsonObject()).getString("video_count", "?");
    String body = open
        ? """
          <p class="amount">%s</p>
          <p>%s video(s)</p>
          <form method="post" action="/sandbox/stripe/pay/%s/complete">
            <p><label for="email">E-mail for the receipt and the videos</label><br>
            <input type="email" name="email" id="email" value="buyer@example.com" autocomplete="email"></p>
            <button name="outcome" value="paid" id="pay">Pay</button>
            <button name="outcome" value="declined" id="decline" class="secondary">Decline</button>
          </form>
          <p><a href="%s">Back to the tool</a></p>
          """.formatted(amount, escape(count), escape(id), escape(session.getString("cancel_url")))
        : "<p>This checkout is " + escape(session.getString("status")) + ".</p>";
    return page("Sandbox checkout", body + "<p class=\"id\">" + escape(id) + "</p>");
  }

  static String error(String message) {
    return page("Sandbox checkout", "<p>" + escape(message) + "</p>");
  }

  private static String page(String title, String body) {
    return """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>%s</title>
        <style>
          body{font-family:system-ui,sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem;color:#1a1a2e}
          .banner{background:#fff3cd;border:1px solid #e0c060;padding:.6rem .8rem;border-radius:.4rem}
          .amount{font-size:2rem;font-weight:600;margin:.5rem 0}
          button{font-size:1rem;padding:.7rem 1.4rem;border-radius:.4rem;border:0;background:#635bff;color:#fff;cursor:pointer}
          button.secondary{background:#e5e5ee;color:#1a1a2e;margin-left:.5rem}
          input{font-size:1rem;padding:.5rem;width:100%%;box-sizing:border-box;margin:.3rem 0 1rem}
          .id{color:#666;font-size:.8rem;word-break:break-all}
        </style></head>
        <body>
        <p class="banner" role="status">Stripe sandbox: no real payment is taken and no card is needed.</p>
        <h1>%s</h1>
        %s
        </body></html>
        """.formatted(escape(title), escape(title), body);
  }

  static String escape(String text) {
    if (text == null) {
      return "";
    }
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
        .replace("'", "&#39;");
  }
}
