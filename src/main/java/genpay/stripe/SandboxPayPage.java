package genpay.stripe;

import io.vertx.core.json.JsonObject;

import java.util.Locale;

/**
 * The sandbox's hosted checkout page: the amount, an e-mail and a test card, a Pay and a Decline button, the
 * reason of a declined card in {@code #error}; and the 3-D Secure step.
 */
final class SandboxPayPage {

  private SandboxPayPage() {
  }

  static String render(JsonObject session) {
    return render(session, null, null);
  }

  /** The page again after a declined card: its reason in #error, the typed e-mail kept. */
  static String render(JsonObject session, String error, String email) {
    String id = session.getString("id");
    boolean open = "open".equals(session.getString("status"));
    String amount = String.format(Locale.ROOT, "%.2f %s", session.getLong("amount_total", 0L) / 100.0,
        session.getString("currency", "usd").toUpperCase(Locale.ROOT));
    String what = "subscription".equals(session.getString("mode"))
        ? "Subscription, renewed automatically until canceled"
        : session.getJsonObject("metadata", new JsonObject()).getString("video_count", "?") + " video(s)";
    String typed = email == null || email.isBlank() ? "buyer@example.com" : email;
    String body = open
        ? """
          <p class="amount">%s</p>
          <p>%s</p>
          %s
          <form method="post" action="/sandbox/stripe/pay/%s/complete">
            <p><label for="email">E-mail for the receipt and the videos</label><br>
            <input type="email" name="email" id="email" value="%s" autocomplete="email"></p>
            <p><label for="card">Card number (a Stripe test card)</label><br>
            <input name="card" id="card" value="4242 4242 4242 4242" inputmode="numeric" autocomplete="off"></p>
            <p class="hint">4242… pays; 4000 0000 0000 0002 and …9995 decline; 4000 0025 0000 3155 asks for
            3-D Secure; 4000 0000 0000 0341 pays now and fails every later charge.</p>
            <button name="outcome" value="paid" id="pay">Pay</button>
            <button name="outcome" value="declined" id="decline" class="secondary">Decline</button>
          </form>
          <p><a href="%s">Back</a></p>
          """.formatted(amount, escape(what),
            error == null ? "" : "<p id=\"error\" class=\"error\" role=\"alert\">" + escape(error) + "</p>",
            escape(id), escape(typed), escape(session.getString("cancel_url")))
        : "<p>This checkout is " + escape(session.getString("status")) + ".</p>";
    return page("Sandbox checkout", body + "<p class=\"id\">" + escape(id) + "</p>");
  }

  /** The 3-D Secure step: the bank asks the payer to authorize, or the payer fails it. */
  static String authenticate(JsonObject session) {
    String id = session.getString("id");
    String amount = String.format(Locale.ROOT, "%.2f %s", session.getLong("amount_total", 0L) / 100.0,
        session.getString("currency", "usd").toUpperCase(Locale.ROOT));
    return page("3-D Secure", """
        <p>Your bank asks you to confirm the payment of <strong>%s</strong> (a test 3-D Secure step).</p>
        <form method="post" action="/sandbox/stripe/pay/%s/3ds">
          <button name="result" value="authorize" id="authorize">Complete authentication</button>
          <button name="result" value="fail" id="fail-auth" class="secondary">Fail authentication</button>
        </form>
        """.formatted(escape(amount), escape(id)));
  }

  static String error(String message) {
    return page("Sandbox checkout", "<p>" + escape(message) + "</p>");
  }

  static String page(String title, String body) {
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
          .error{color:#b00020;font-weight:600}
          .hint{color:#666;font-size:.85rem}
          table{border-collapse:collapse;width:100%%}td,th{text-align:left;padding:.3rem;border-bottom:1px solid #eee}
        </style></head>
        <body>
        <p class="banner" role="status">Stripe sandbox: no real payment is taken; use a Stripe test card.</p>
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
