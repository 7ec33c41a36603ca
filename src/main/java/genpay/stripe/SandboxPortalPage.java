package genpay.stripe;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

import static genpay.stripe.SandboxPayPage.escape;

/**
 * The sandbox's customer portal: the subscription, cancel at period end (and undo), change plan, replace the
 * card, the invoices, and the way back.
 */
final class SandboxPortalPage {

  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMM yyyy", Locale.ROOT)
      .withZone(ZoneOffset.UTC);

  private SandboxPortalPage() {
  }

  /** The subscription the portal shows: the newest live one, else the newest. */
  static JsonObject shown(List<JsonObject> subscriptions) {
    return subscriptions.stream().filter(BillingSteps::live).findFirst()
        .orElse(subscriptions.isEmpty() ? null : subscriptions.get(0));
  }

  static String render(JsonObject portal, JsonObject subscription, JsonObject card, JsonArray invoices,
                       List<JsonObject> prices, String error) {
    String action = StripeSandbox.PREFIX + "/portal/" + portal.getString("id");
    StringBuilder body = new StringBuilder();
    if (error != null) {
      body.append("<p id=\"error\" class=\"error\" role=\"alert\">").append(escape(error)).append("</p>");
    }
    if (subscription == null) {
      body.append("<p id=\"subscription\">No subscription.</p>");
    } else {
      JsonObject price = BillingSteps.price(subscription);
      long end = BillingSteps.periodEnd(subscription);
      boolean live = BillingSteps.live(subscription);
      boolean cancelling = subscription.getBoolean("cancel_at_period_end", false);
      body.append("<section id=\"subscription\"><h2>").append(escape(BillingSteps.product(price))).append(", ")
          .append(money(price.getLong("unit_amount"), price.getString("currency"))).append(" / ")
          .append(escape(price.getJsonObject("recurring").getString("interval"))).append("</h2>")
          .append("<p>Status: <span id=\"status\">").append(escape(subscription.getString("status")))
          .append("</span></p><p id=\"period\">")
          .append(!live ? "Ended." : cancelling ? "Ends on " + DAY.format(Instant.ofEpochSecond(end))
              : "Renews on " + DAY.format(Instant.ofEpochSecond(end)))
          .append("</p>");
      String subscriptionField = "<input type=\"hidden\" name=\"subscription\" value=\""
          + escape(subscription.getString("id")) + "\">";
      if (live && !cancelling) {
        body.append("<form method=\"post\" action=\"").append(action).append("/cancel\">").append(subscriptionField)
            .append("<button id=\"cancel\" class=\"secondary\">Cancel at the end of the period</button></form>");
      }
      if (live && cancelling) {
        body.append("<form method=\"post\" action=\"").append(action).append("/renew\">").append(subscriptionField)
            .append("<button id=\"renew\">Keep the subscription</button></form>");
      }
      if (live) {
        body.append("<h3>Change plan</h3><form method=\"post\" action=\"").append(action).append("/plan\">")
            .append(subscriptionField);
        for (JsonObject other : prices) {
          if (other.getString("id").equals(price.getString("id"))) {
            continue;
          }
          body.append("<p><button name=\"price\" value=\"").append(escape(other.getString("id")))
              .append("\" id=\"plan-").append(escape(other.getString("id"))).append("\" class=\"secondary\">")
              .append(escape(BillingSteps.product(other))).append(", ")
              .append(money(other.getLong("unit_amount"), other.getString("currency"))).append(" / ")
              .append(escape(other.getJsonObject("recurring").getString("interval"))).append("</button></p>");
        }
        body.append("</form>");
      }
    }
    body.append("<h3>Payment method</h3><p id=\"payment-method\">")
        .append(card == null ? "None." : escape(card.getJsonObject("card").getString("brand")) + " ending in "
            + escape(card.getJsonObject("card").getString("last4")))
        .append("</p><form method=\"post\" action=\"").append(action).append("/card\">")
        .append("<input name=\"card\" id=\"card\" value=\"4242 4242 4242 4242\" inputmode=\"numeric\" autocomplete=\"off\">")
        .append("<button id=\"replace-card\">Replace the card</button></form>");
    body.append("<h3>Invoices</h3><table id=\"invoices\"><tr><th>Date</th><th>Number</th><th>Amount</th>"
        + "<th>Status</th></tr>");
    for (int i = 0; i < invoices.size(); i++) {
      JsonObject invoice = invoices.getJsonObject(i);
      body.append("<tr data-invoice=\"").append(escape(invoice.getString("id"))).append("\"><td>")
          .append(DAY.format(Instant.ofEpochSecond(invoice.getLong("created")))).append("</td><td><a href=\"")
          .append(escape(invoice.getString("hosted_invoice_url"))).append("\">")
          .append(escape(invoice.getString("number"))).append("</a></td><td>")
          .append(money(invoice.getLong("amount_due"), invoice.getString("currency"))).append("</td><td>")
          .append(escape(invoice.getString("status"))).append("</td></tr>");
    }
    body.append("</table>");
    String back = portal.getString("return_url");
    body.append("<p><a id=\"return\" href=\"").append(escape(back == null ? "/" : back))
        .append("\">Return</a></p>");
    return SandboxPayPage.page("Sandbox billing portal", body.toString());
  }

  /** A sandbox invoice as a page (hosted_invoice_url). */
  static String invoice(JsonObject invoice) {
    StringBuilder body = new StringBuilder("<p class=\"amount\">")
        .append(money(invoice.getLong("amount_due"), invoice.getString("currency"))).append("</p><p>Invoice ")
        .append(escape(invoice.getString("number"))).append(": <span id=\"status\">")
        .append(escape(invoice.getString("status"))).append("</span></p><table id=\"lines\">");
    JsonArray lines = invoice.getJsonObject("lines").getJsonArray("data");
    for (int i = 0; i < lines.size(); i++) {
      JsonObject line = lines.getJsonObject(i);
      body.append("<tr><td>").append(escape(line.getString("description"))).append("</td><td>")
          .append(money(line.getLong("amount"), line.getString("currency"))).append("</td></tr>");
    }
    return SandboxPayPage.page("Sandbox invoice", body.append("</table>").toString());
  }

  static String money(long cents, String currency) {
    return String.format(Locale.ROOT, "%s%.2f %s", cents < 0 ? "-" : "", Math.abs(cents) / 100.0,
        currency == null ? "" : currency.toUpperCase(Locale.ROOT));
  }
}
