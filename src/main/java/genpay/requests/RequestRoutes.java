package genpay.requests;

import genpay.config.Addresses;
import genpay.push.SseHandler;
import genpay.push.StreamHub;
import genpay.web.InvalidInput;
import genpay.web.JsonAnswer;
import genpay.web.JsonBody;
import genpay.web.Problems;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The HTTP side of generation requests (DESIGN.md section 16): create or find one, read it, download its llms.txt,
 * and the calculation of a site for the site page. Each handler checks its input and asks the bus.
 */
public final class RequestRoutes {

  public static final String REQUESTS = "/api/generation-requests";
  /** A POST may calculate a site (up to 15 s) and open a Checkout Session. */
  private static final DeliveryOptions SUBMIT = new DeliveryOptions().setSendTimeout(60_000);
  private static final DeliveryOptions CALCULATION = new DeliveryOptions().setSendTimeout(30_000);
  private static final DeliveryOptions QUICK = new DeliveryOptions().setSendTimeout(5_000);

  private final EventBus bus;
  private final boolean allowPrivateSites;
  private final java.util.Set<String> providers;

  public RequestRoutes(EventBus bus, genpay.config.Settings settings) {
    this.bus = bus;
    this.allowPrivateSites = Hostnames.allowPrivate(settings);
    this.providers = settings.providers().providers().keySet();
  }

  public void mount(Router router, StreamHub streams) {
    router.post(REQUESTS).handler(this::submit);
    router.get(REQUESTS + "/:id").handler(this::get);
    router.get(REQUESTS + "/:id/result").handler(this::result);
    router.get("/api/sites/:hostname").handler(this::calculation);
    router.get("/api/events/generation-request/:id").handler(SseHandler.requests(bus, streams));
  }

  private void submit(RoutingContext ctx) {
    SubmitRequest request;
    try {
      request = SubmitRequest.parse(JsonBody.object(ctx.body().buffer()), allowPrivateSites, providers);
    } catch (InvalidInput invalid) {
      Problems.invalid(ctx, invalid);
      return;
    }
    bus.<JsonObject>request(Addresses.REQUESTS_SUBMIT, request.toJson(), SUBMIT)
        .onSuccess(reply -> {
          JsonObject answer = reply.body().getJsonObject("request");
          boolean queuedNow = reply.body().getBoolean("created", false) && "queued".equals(answer.getString("status"));
          JsonAnswer.send(ctx, queuedNow ? 201 : 200, answer);
        })
        .onFailure(failure -> Problems.send(ctx, problem(failure)));
  }

  private void get(RoutingContext ctx) {
    String id = id(ctx);
    if (id == null) {
      return;
    }
    bus.<JsonObject>request(Addresses.REQUESTS_GET, new JsonObject().put("id", id), QUICK)
        .onSuccess(reply -> JsonAnswer.send(ctx, 200, reply.body()))
        .onFailure(failure -> Problems.send(ctx, Problems.fromFailure(failure)));
  }

  private void result(RoutingContext ctx) {
    String id = id(ctx);
    if (id == null) {
      return;
    }
    bus.<JsonObject>request(Addresses.REQUESTS_RESULT, new JsonObject().put("id", id), QUICK)
        .onSuccess(reply -> {
          String document = reply.body().getString("document");
          if (document == null) {
            Problems.send(ctx, Problems.problem(409, "not-ready", "Not ready", "The request is "
                + reply.body().getJsonObject("request").getString("status") + "; its llms.txt comes once it is completed."));
            return;
          }
          String hostname = reply.body().getJsonObject("request").getString("hostname", "site").replace(':', '_');
          ctx.response().putHeader("Content-Type", "text/markdown; charset=utf-8")
              .putHeader("Content-Disposition", "attachment; filename=\"llms-" + hostname + ".txt\"")
              .putHeader("Cache-Control", "no-store")
              .end(document);
        })
        .onFailure(failure -> Problems.send(ctx, Problems.fromFailure(failure)));
  }

  /** The site page's look-up: the URL count and each provider's price; nothing is stored but the calculation. */
  private void calculation(RoutingContext ctx) {
    String hostname;
    try {
      hostname = Hostnames.parse(ctx.pathParam("hostname"), allowPrivateSites);
    } catch (InvalidInput invalid) {
      Problems.invalid(ctx, invalid);
      return;
    }
    bus.<JsonObject>request(Addresses.SITES_CALCULATE, new JsonObject().put("hostname", hostname), CALCULATION)
        .onSuccess(reply -> JsonAnswer.send(ctx, 200, reply.body()))
        .onFailure(failure -> Problems.send(ctx, problem(failure)));
  }

  /** A site that could not be read is the site's fault, not the payment provider's: said so. */
  private static JsonObject problem(Throwable failure) {
    JsonObject problem = Problems.fromFailure(failure);
    if (problem.getInteger("status") == 502 && failure.getMessage() != null
        && !failure.getMessage().startsWith("Stripe")) {
      return Problems.problem(502, "site-unreadable", "The site could not be read", failure.getMessage());
    }
    if (problem.getInteger("status") == 400) {
      // Input was checked here: a 400 from behind is the site guard's (hostname) or an unknown provider.
      boolean provider = failure.getMessage() != null && failure.getMessage().startsWith("Unknown provider");
      problem.put("field", provider ? "provider" : "hostname");
    }
    return problem;
  }

  private static String id(RoutingContext ctx) {
    try {
      return RequestIds.require(ctx.pathParam("id"));
    } catch (InvalidInput invalid) {
      Problems.invalid(ctx, invalid);
      return null;
    }
  }
}
