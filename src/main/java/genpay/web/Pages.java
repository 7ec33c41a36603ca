package genpay.web;

import genpay.config.Settings;
import genpay.credits.Credits;
import genpay.requests.RequestIds;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

import java.util.List;
import java.util.Map;

/**
 * The pages: static HTML with what the page needs (price, limits, ids, sandbox or not) written in at
 * serve time, so a page makes no API request of its own beyond its one stream or its one form post.
 */
public final class Pages {

  private static final List<String> NAMES = List.of("tool", "success", "file", "session", "account", "credits", "history", "buy",
      "plans", "site", "request", "admin", "admin-order", "admin-files");
  private static final String BANNER_START = "<p class=\"banner\" role=\"status\">";
  private static final String BOTH_SANDBOXES = "Sandbox mode: payments go to a built-in Stripe sandbox and videos "
      + "come from a built-in provider sandbox. No money moves.";
  private static final String STRIPE_SANDBOX = "Sandbox payments: payments go to a built-in Stripe sandbox, no money "
      + "moves. Videos are generated for real by the provider.";
  private static final String PROVIDER_SANDBOX = "Sandbox videos: videos come from a built-in provider sandbox, each a "
      + "sample clip not made from your prompt. ";

  private final Settings settings;
  private final Map<String, String> templates;
  private final Assets assets;

  private Pages(Settings settings, Map<String, String> templates, Assets assets) {
    this.settings = settings;
    this.templates = templates;
    this.assets = assets;
  }

  /**
   * Reads the templates and the assets off the event loop's back (Vert.x file system, classpath included), and
   * points each template's asset references at the fingerprinted names, once.
   */
  public static Future<Pages> load(Vertx vertx, Settings settings) {
    List<Future<String>> reads = NAMES.stream()
        .map(name -> vertx.fileSystem().readFile("web/" + name + ".html").map(buffer -> buffer.toString()))
        .toList();
    Future<Assets> assets = Assets.load(vertx, "web/assets");
    return Future.all(Future.all(reads), assets).map(all -> {
      Map<String, String> templates = new java.util.HashMap<>();
      for (int i = 0; i < NAMES.size(); i++) {
        templates.put(NAMES.get(i), assets.result().rewrite(reads.get(i).result()));
      }
      return new Pages(settings, templates, assets.result());
    });
  }

  public void mount(Router router) {
    assets.mount(router);
    // Libraries from their webjars on the classpath (uPlot for the usage chart): served here, never from a CDN.
    router.get("/webjars/*").handler(StaticHandler.create("META-INF/resources/webjars").setMaxAgeSeconds(86_400));
    router.get("/").handler(ctx -> render(ctx, "tool", "en", new JsonObject()
        .put("toolSlug", CheckoutRequest.DEFAULT_TOOL_SLUG)));
    router.get("/:locale/tool/:toolSlug").handler(ctx -> page(ctx, "tool",
        new JsonObject().put("toolSlug", ctx.pathParam("toolSlug"))));
    router.get("/:locale/payment-success/:sessionId").handler(ctx -> withSessionId(ctx, "success"));
    router.get("/:locale/session/:sessionId").handler(ctx -> withSessionId(ctx, "session"));
    router.get("/:locale/session").handler(ctx -> page(ctx, "session", new JsonObject()));
    router.get("/:locale/account").handler(ctx -> page(ctx, "account", new JsonObject()));
    router.get("/:locale/credits").handler(ctx -> page(ctx, "credits", new JsonObject()));
    router.get("/:locale/credits/history").handler(ctx -> page(ctx, "history", new JsonObject()));
    router.get("/:locale/credits/buy").handler(ctx -> page(ctx, "buy", new JsonObject()));
    router.get("/:locale/plans").handler(ctx -> page(ctx, "plans", new JsonObject()));
    router.get("/:locale/site").handler(ctx -> page(ctx, "site", new JsonObject()));
    router.get("/:locale/generation-request/:requestId").handler(ctx -> {
      String id = ctx.pathParam("requestId");
      if (RequestIds.valid(id)) {
        page(ctx, "request", new JsonObject().put("requestId", id));
      } else {
        ctx.next();
      }
    });
    router.get("/:locale/file/:fileId").handler(ctx -> {
      try {
        page(ctx, "file", new JsonObject().put("fileId", SessionIds.requireFileId(ctx.pathParam("fileId"))));
      } catch (InvalidInput invalid) {
        ctx.next();
      }
    });
  }

  private void withSessionId(RoutingContext ctx, String name) {
    try {
      page(ctx, name, new JsonObject().put("sessionId", SessionIds.requireSessionId(ctx.pathParam("sessionId"))));
    } catch (InvalidInput invalid) {
      ctx.next();
    }
  }

  /** Renders page {@code name} for the path's locale (or passes on a malformed locale); other packages' pages too. */
  public void page(RoutingContext ctx, String name, JsonObject params) {
    String locale = ctx.pathParam("locale");
    if (!CheckoutRequest.LOCALE.matcher(locale).matches()) {
      ctx.next();
      return;
    }
    String slug = params.getString("toolSlug");
    if (slug != null && !CheckoutRequest.TOOL_SLUG.matcher(slug).matches()) {
      ctx.next();
      return;
    }
    render(ctx, name, locale, params);
  }

  /** Says plainly which half runs against a sandbox (both, or one when ALLOW_MIXED_SANDBOX=true); none: empty. */
  static String banner(Settings settings) {
    String text;
    if (settings.stripeSandbox() && settings.providerSandbox()) {
      text = BOTH_SANDBOXES;
    } else if (settings.stripeSandbox()) {
      text = STRIPE_SANDBOX;
    } else if (settings.providerSandbox()) {
      text = PROVIDER_SANDBOX + (settings.stripeLive() ? "Payments are real." : "Payments go to Stripe in test mode.");
    } else {
      return "";
    }
    return BANNER_START + text + "</p>";
  }

  /** What one item of each type costs in credits at its defaults (an 8-s video): the tool page's credits button. */
  private JsonObject creditCosts() {
    var costs = settings.credits().costs();
    return new JsonObject().put("video", Credits.toJson(costs.item("video", null, null)))
        .put("image", Credits.toJson(costs.item("image", null, null)))
        .put("audio", Credits.toJson(costs.item("audio", null, null)));
  }

  private void render(RoutingContext ctx, String name, String locale, JsonObject params) {
    JsonObject page = ApiRouter.publicConfig(settings).mergeIn(params).put("locale", locale).put("page", name)
        .put("creditCosts", creditCosts());
    // Safe inside <script>: no "</script>" or "<!--" can be formed from the JSON.
    String json = page.encode().replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026");
    String html = templates.get(name)
        .replace("{{PAGE}}", json)
        .replace("{{BANNER}}", banner(settings))
        .replace("{{LOCALE}}", locale);
    Assets.sendPage(ctx, html);
  }
}
