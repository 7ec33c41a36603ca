package genpay.web;

import genpay.accounts.AccountRoutes;
import genpay.admin.AdminRoutes;
import genpay.billing.BillingRoutes;
import genpay.accounts.AuthHandler;
import genpay.config.Addresses;
import genpay.config.ClusterStatus;
import genpay.config.Settings;
import genpay.credits.AccountStreams;
import genpay.credits.CreditsRoutes;
import genpay.generation.ProviderSandbox;
import genpay.generation.ProviderSandboxRoutes;
import genpay.llm.LlmSandbox;
import genpay.llm.LlmSandboxRoutes;
import genpay.mail.SandboxMailRoutes;
import genpay.mail.SandboxMailbox;
import genpay.purchases.PurchaseRoutes;
import genpay.push.SseHandler;
import genpay.requests.RequestRoutes;
import genpay.push.StreamHub;
import genpay.stripe.StripeSandbox;
import genpay.stripe.StripeSandboxRoutes;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Every HTTP route of the engine; each handler is small and talks to the others over the event bus. */
public final class ApiRouter {

  private static final Logger LOG = LoggerFactory.getLogger(ApiRouter.class);
  private static final DeliveryOptions QUICK = new DeliveryOptions().setSendTimeout(5_000);
  private static final DeliveryOptions SYNC = new DeliveryOptions().setSendTimeout(10_000);

  private ApiRouter() {
  }

  /** The sandboxes are null when the real Stripe, provider or mail server is configured. */
  public static Router create(Vertx vertx, Settings settings, PrometheusMeterRegistry registry,
                              StripeSandbox stripeSandbox, ProviderSandbox providerSandbox, StreamHub streams,
                              Pages pages, ClusterStatus cluster, CheckoutRateLimiter checkoutRateLimiter,
                              SandboxMailbox mailbox, AccountRoutes accounts, LlmSandbox llmSandbox) {
    EventBus bus = vertx.eventBus();
    Router router = Router.router(vertx);
    router.route().handler(BodyHandler.create(false).setBodyLimit(Settings.MAX_BODY_BYTES));
    // Before the auth handler: a preflight carries no credentials and is answered here.
    Cors.mount(router, settings.corsOrigins());

    router.get("/health").handler(ctx -> json(ctx, 200, new JsonObject().put("status", "UP")));
    router.get("/ready").handler(ctx -> ready(ctx, bus, cluster));
    router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));

    // First of the /api/ routes: its auth handler must see every request before the others do.
    accounts.mount(router);
    PurchaseRoutes.mount(router, settings, bus);
    new BillingRoutes(settings, bus).mount(router);
    new CreditsRoutes(settings, bus, java.time.Clock.systemUTC(), AccountStreams.start(vertx)).mount(router);

    JsonObject config = publicConfig(settings);
    router.get("/api/config").handler(ctx -> json(ctx, 200, config));
    router.post("/api/create-checkout").handler(new CheckoutHandler(settings, bus, checkoutRateLimiter));
    router.post("/api/generations").handler(AuthHandler.required()).handler(new GenerationHandler(settings, bus));
    router.get("/api/webhook-status/:sessionId").handler(ctx -> sessionStatus(ctx, bus));
    router.post("/api/webhooks/stripe").handler(new StripeWebhookHandler(bus));
    router.get("/api/file/:fileId").handler(ctx -> fileStatus(ctx, bus));
    genpay.media.MediaRoutes.mount(router, bus);
    router.get("/api/events/session/:id").handler(SseHandler.sessions(bus, streams));
    router.get("/api/events/file/:id").handler(SseHandler.files(bus, streams));
    new RequestRoutes(bus, settings).mount(router, streams);
    new AdminRoutes(vertx, settings, pages).mount(router);
    pages.mount(router);

    if (stripeSandbox != null) {
      router.route(StripeSandbox.PREFIX + "/*").subRouter(
          StripeSandboxRoutes.create(vertx, stripeSandbox, settings, settings.sandboxStripeWebhooks()));
    }

    if (providerSandbox != null) {
      router.route(ProviderSandbox.PREFIX + "/*").subRouter(ProviderSandboxRoutes.create(vertx, providerSandbox));
    }

    // Each only while its own setting is unset: a configured provider is never shadowed by a sandbox.
    if (llmSandbox != null && settings.geminiSandbox()) {
      router.route(LlmSandbox.GEMINI_PREFIX + "/*").subRouter(LlmSandboxRoutes.gemini(vertx, llmSandbox));
    }
    if (llmSandbox != null && settings.ollamaSandbox()) {
      router.route(LlmSandbox.OLLAMA_PREFIX + "/*").subRouter(LlmSandboxRoutes.ollama(vertx, llmSandbox));
    }

    if (mailbox != null) {
      SandboxMailRoutes.mount(router, mailbox);
    }

    router.errorHandler(404, ctx -> Problems.send(ctx, Problems.problem(404, "not-found", "Not found",
        "No resource at " + ctx.request().path())));
    router.errorHandler(405, ctx -> Problems.send(ctx, Problems.problem(405, "method-not-allowed",
        "Method not allowed", ctx.request().method() + " is not allowed here")));
    router.errorHandler(413, ctx -> Problems.send(ctx, Problems.problem(413, "body-too-large",
        "Request body too large", "Bodies are limited to " + Settings.MAX_BODY_BYTES + " bytes.")));
    router.errorHandler(400, ctx -> Problems.send(ctx, Problems.problem(400, "invalid-request",
        "The request is not valid", "The request could not be read.")));
    router.errorHandler(500, ctx -> {
      if (ctx.failure() instanceof HttpClosedException) {
        // The client went away mid-answer (a cut download): nothing to answer, nothing wrong here.
        LOG.debug("{} {}: the client closed the connection", ctx.request().method(), ctx.request().path());
        return;
      }
      LOG.error("unhandled failure on {} {}", ctx.request().method(), ctx.request().path(), ctx.failure());
      Problems.send(ctx, Problems.problem(500, "internal", "Internal error",
          "Something went wrong on our side; it has been logged."));
    });
    return router;
  }

  static JsonObject publicConfig(Settings settings) {
    return new JsonObject()
        .put("sandbox", settings.stripeSandbox() || settings.providerSandbox())
        .put("sandboxes", new JsonObject().put("stripe", settings.stripeSandbox())
            .put("provider", settings.providerSandbox()))
        .put("publishableKey", settings.stripePublishableKey())
        .put("priceId", settings.stripePriceId())
        .put("price", new JsonObject().put("amount", settings.priceAmount()).put("currency", settings.priceCurrency()))
        .put("maxQuantity", Settings.MAX_QUANTITY)
        .put("maxPromptLength", Settings.MAX_PROMPT_LENGTH);
  }

  private static void sessionStatus(RoutingContext ctx, EventBus bus) {
    String sessionId;
    try {
      sessionId = SessionIds.requireSessionId(ctx.pathParam("sessionId"));
    } catch (InvalidInput invalid) {
      Problems.invalid(ctx, invalid);
      return;
    }
    bus.<JsonObject>request(Addresses.SESSIONS_GET, new JsonObject().put("sessionId", sessionId), QUICK)
        .map(Message::body)
        .compose(snapshot -> "pending".equals(snapshot.getString("status")) && !SessionIds.isCreditOrder(sessionId)
            ? reconciled(bus, sessionId, snapshot)
            : Future.succeededFuture(snapshot))
        .onSuccess(snapshot -> json(ctx, 200, snapshot))
        .onFailure(failure -> Problems.send(ctx, Problems.fromFailure(failure)));
  }

  private static void fileStatus(RoutingContext ctx, EventBus bus) {
    String fileId;
    try {
      fileId = SessionIds.requireFileId(ctx.pathParam("fileId"));
    } catch (InvalidInput invalid) {
      Problems.invalid(ctx, invalid);
      return;
    }
    bus.<JsonObject>request(Addresses.SESSIONS_FILE_GET, new JsonObject().put("fileId", fileId), QUICK)
        .onSuccess(reply -> {
          JsonObject file = reply.body().copy();
          file.remove("worker");
          json(ctx, 200, file);
        })
        .onFailure(failure -> Problems.send(ctx, Problems.fromFailure(failure)));
  }

  /** A pending order asked for may be paid with its webhook still on the way (or lost): ask Stripe. */
  private static Future<JsonObject> reconciled(EventBus bus, String sessionId, JsonObject pending) {
    return bus.<JsonObject>request(Addresses.STRIPE_SYNC, new JsonObject().put("sessionId", sessionId), SYNC)
        .map(reply -> reply.body().getJsonObject("session", pending))
        .otherwise(pending);
  }

  /** Ready when Redis answers and, clustered, this node is an active member. */
  private static void ready(RoutingContext ctx, EventBus bus, ClusterStatus cluster) {
    JsonObject membership = cluster.describe();
    bus.<JsonObject>request(Addresses.SESSIONS_PING, new JsonObject(), new DeliveryOptions().setSendTimeout(2_000))
        .onSuccess(reply -> {
          if (cluster.ready()) {
            json(ctx, 200, new JsonObject().put("status", "UP").put("redis", "up").put("cluster", membership));
          } else {
            Problems.send(ctx, Problems.unavailable("This node is not an active cluster member.")
                .put("redis", "up").put("cluster", membership));
          }
        })
        .onFailure(failure -> Problems.send(ctx, Problems.unavailable("Redis does not answer.")
            .put("redis", "down").put("cluster", membership)));
  }

  static void json(RoutingContext ctx, int status, JsonObject body) {
    JsonAnswer.send(ctx, status, body);
  }
}
