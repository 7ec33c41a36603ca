package genpay.mail;

import genpay.web.Problems;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code /sandbox/mail}: the sandbox mailbox as a page (newest first, links clickable) and as JSON. */
public final class SandboxMailRoutes {

  private static final int PAGE_MESSAGES = 200;
  private static final Pattern LINK = Pattern.compile("https?://[^\\s<>\"']+");

  private SandboxMailRoutes() {
  }

  /** Absolute routes: the page answers at {@code /sandbox/mail} itself, which a sub-router's "/" would not. */
  public static void mount(Router router, SandboxMailbox mailbox) {
    Handler<RoutingContext> page = ctx -> mailbox.messages(PAGE_MESSAGES)
        .onSuccess(messages -> ctx.response().putHeader("Content-Type", "text/html; charset=utf-8")
            .putHeader("Cache-Control", "no-store").end(page(messages)))
        .onFailure(failure -> unavailable(ctx));
    router.get(SandboxMailbox.PREFIX).handler(page);
    router.get(SandboxMailbox.PREFIX + "/").handler(page);
    router.get(SandboxMailbox.PREFIX + "/api/messages").handler(ctx -> mailbox.messages(SandboxMailbox.KEEP)
        .onSuccess(messages -> ctx.response().putHeader("Content-Type", "application/json")
            .putHeader("Cache-Control", "no-store").end(messages.encode()))
        .onFailure(failure -> unavailable(ctx)));
  }

  private static void unavailable(RoutingContext ctx) {
    Problems.send(ctx, Problems.unavailable("The sandbox mailbox cannot be read now (Redis does not answer)."));
  }

  static String page(JsonArray messages) {
    StringBuilder items = new StringBuilder();
    for (int i = 0; i < messages.size(); i++) {
      JsonObject message = messages.getJsonObject(i);
      items.append("<article class=\"message\" id=\"").append(MailTemplates.escape(message.getString("id")))
          .append("\">\n<h2>").append(MailTemplates.escape(message.getString("subject"))).append("</h2>\n")
          .append("<p class=\"meta\">To ").append(MailTemplates.escape(message.getString("to"))).append(" &middot; ")
          .append(MailTemplates.escape(message.getString("sentAt"))).append("</p>\n")
          .append("<pre>").append(linked(message.getString("text"))).append("</pre>\n</article>\n");
    }
    if (messages.isEmpty()) {
      items.append("<p>No e-mail yet. Messages appear here, newest first, as the engine sends them.</p>\n");
    }
    return """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Sandbox mailbox</title>
        <style>
          body{font-family:system-ui,sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem;color:#1a1a2e}
          .banner{background:#fff3cd;border:1px solid #e0c060;padding:.6rem .8rem;border-radius:.4rem}
          .message{border:1px solid #ddd;border-radius:.4rem;padding:.2rem 1rem;margin:1rem 0}
          .meta{color:#666;font-size:.85rem}
          pre{white-space:pre-wrap;word-break:break-word;font-family:inherit}
        </style></head>
        <body>
        <p class="banner" role="status">Sandbox mailbox: MAIL_URL is not set, so e-mail is kept here instead of
        being sent. Newest first; the JSON is at <a href="/sandbox/mail/api/messages">/sandbox/mail/api/messages</a>.</p>
        <h1>Sandbox mailbox</h1>
        %s</body></html>
        """.formatted(items);
  }

  /** The text, escaped, with every http(s) link made clickable. */
  static String linked(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    Matcher links = LINK.matcher(text);
    int from = 0;
    while (links.find()) {
      out.append(MailTemplates.escape(text.substring(from, links.start())));
      String url = MailTemplates.escape(links.group());
      out.append("<a href=\"").append(url).append("\">").append(url).append("</a>");
      from = links.end();
    }
    return out.append(MailTemplates.escape(text.substring(from))).toString();
  }
}
