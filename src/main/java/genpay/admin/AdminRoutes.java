package genpay.admin;

import genpay.accounts.Account;
import genpay.accounts.AuthHandler;
import genpay.config.Addresses;
import genpay.config.Settings;
import genpay.web.InvalidInput;
import genpay.web.JsonAnswer;
import genpay.web.JsonBody;
import genpay.web.Pages;
import genpay.web.Problems;
import genpay.web.SessionIds;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.function.Function;

/**
 * The admin console's routes (DESIGN.md section 19): {@code /api/admin/*} and the pages under
 * {@code /{locale}/admin}. One guard in front of each (401 signed out, 403 for any account not in ADMIN_EMAILS),
 * so a route added here cannot be left open; the handlers are small and ask the admin verticle over the bus.
 */
public final class AdminRoutes {

  public static final String API = "/api/admin";
  static final int MAX_REASON = 1_000;
  private static final DeliveryOptions QUERY = new DeliveryOptions().setSendTimeout(15_000);

  private final Settings settings;
  private final EventBus bus;
  private final Pages pages;
  private final AdminHub hub;

  /** On the HTTP instance's event loop: its admin streams are held by this loop's hub. */
  public AdminRoutes(Vertx vertx, Settings settings, Pages pages) {
    this.settings = settings;
    this.bus = vertx.eventBus();
    this.pages = pages;
    this.hub = new AdminHub(vertx, AdminHubs.of(vertx));
  }

  public void mount(Router router) {
    Handler<RoutingContext> admins = this::adminsOnly;
    router.route(API + "/*").handler(admins);
    router.get(API + "/orders").handler(ctx -> ask(ctx, Addresses.ADMIN_ORDERS, () -> {
      AdminQuery.orders(param(ctx, "status"), param(ctx, "from"), param(ctx, "to"), param(ctx, "q"),
          param(ctx, "page"), param(ctx, "limit"));
      return params(ctx, "status", "from", "to", "q", "page", "limit");
    }));
    router.get(API + "/orders/:id").handler(ctx -> ask(ctx, Addresses.ADMIN_ORDER,
        () -> new JsonObject().put("id", SessionIds.requireSessionId(ctx.pathParam("id")))));
    router.get(API + "/files").handler(ctx -> ask(ctx, Addresses.ADMIN_FILES, () -> {
      AdminQuery.files(param(ctx, "status"), param(ctx, "page"), param(ctx, "limit"));
      return params(ctx, "status", "page", "limit");
    }));
    router.get(API + "/funnel").handler(ctx -> ask(ctx, Addresses.ADMIN_FUNNEL, () -> funnelPeriod(ctx)));
    router.get(API + "/funnel.svg").handler(this::funnelSvg);
    router.get(API + "/events").handler(ctx -> hub.open(ctx.response()));
    router.post(API + "/files/:id/retry").handler(ctx -> act(ctx, "retry", SessionIds::requireFileId));
    router.post(API + "/files/:id/refund").handler(ctx -> act(ctx, "refund-file", SessionIds::requireFileId));
    router.post(API + "/orders/:id/refund").handler(ctx -> act(ctx, "refund-order", SessionIds::requireSessionId));
    router.post(API + "/orders/:id/resend-email").handler(ctx -> act(ctx, "resend-email",
        SessionIds::requireSessionId));
    router.post(API + "/orders/:id/expire").handler(ctx -> act(ctx, "expire", SessionIds::requireSessionId));

    router.get("/:locale/admin").handler(admins).handler(ctx -> pages.page(ctx, "admin", new JsonObject()));
    router.get("/:locale/admin/files").handler(admins).handler(ctx -> pages.page(ctx, "admin-files",
        new JsonObject()));
    router.get("/:locale/admin/orders/:id").handler(admins).handler(ctx -> {
      try {
        pages.page(ctx, "admin-order", new JsonObject().put("orderId",
            SessionIds.requireSessionId(ctx.pathParam("id"))));
      } catch (InvalidInput invalid) {
        ctx.next();
      }
    });
  }

  /** 401 signed out (503 when sign-in cannot be checked), 403 for an account whose e-mail is not an admin's. */
  private void adminsOnly(RoutingContext ctx) {
    Account account = AuthHandler.account(ctx);
    if (account == null) {
      AuthHandler.required().handle(ctx);
    } else if (!settings.admin(account.email())) {
      Problems.send(ctx, Problems.problem(403, "admin-required", "Admins only",
          "This account is not an admin of this engine (ADMIN_EMAILS)."));
    } else {
      ctx.next();
    }
  }

  private interface Command {
    JsonObject get();
  }

  private void ask(RoutingContext ctx, String address, Command command) {
    JsonObject body;
    try {
      body = command.get();
    } catch (InvalidInput invalid) {
      Problems.invalid(ctx, invalid);
      return;
    }
    bus.<JsonObject>request(address, body, QUERY)
        .onSuccess(reply -> JsonAnswer.send(ctx, 200, reply.body()))
        .onFailure(failure -> Problems.send(ctx, problem(failure)));
  }

  private void funnelSvg(RoutingContext ctx) {
    JsonObject body;
    try {
      body = funnelPeriod(ctx).put("svg", true);
    } catch (InvalidInput invalid) {
      Problems.invalid(ctx, invalid);
      return;
    }
    bus.<JsonObject>request(Addresses.ADMIN_FUNNEL, body, QUERY)
        .onSuccess(reply -> ctx.response().putHeader("Content-Type", "image/svg+xml; charset=utf-8")
            .putHeader("Cache-Control", "no-store").end(reply.body().getString("svg")))
        .onFailure(failure -> Problems.send(ctx, problem(failure)));
  }

  private static JsonObject funnelPeriod(RoutingContext ctx) {
    AdminQuery.period(param(ctx, "from"), param(ctx, "to"));
    return params(ctx, "from", "to");
  }

  /** {@code {reason}} required: an action nobody can explain later is not taken. */
  private void act(RoutingContext ctx, String action, Function<String, String> target) {
    JsonObject command;
    try {
      String id = target.apply(ctx.pathParam("id"));
      Object reason = JsonBody.object(ctx.body().buffer()).getValue("reason");
      if (!(reason instanceof String text) || text.isBlank()) {
        throw new InvalidInput("reason", "Say why: reason is required.");
      }
      if (text.length() > MAX_REASON) {
        throw new InvalidInput("reason", "reason is at most " + MAX_REASON + " characters.");
      }
      command = new JsonObject().put("action", action).put("target", id).put("reason", text.strip())
          .put("admin", AuthHandler.account(ctx).email());
    } catch (InvalidInput invalid) {
      Problems.invalid(ctx, invalid);
      return;
    }
    bus.<JsonObject>request(Addresses.ADMIN_ACTION, command, QUERY)
        .onSuccess(reply -> JsonAnswer.send(ctx, 200, reply.body()))
        .onFailure(failure -> Problems.send(ctx, problem(failure)));
  }

  private static JsonObject problem(Throwable failure) {
    if (failure instanceof ReplyException reply && reply.failureCode() == AdminActions.CONFLICT) {
      return Problems.problem(409, "conflict", "Not possible for this order now", reply.getMessage());
    }
    return Problems.fromFailure(failure);
  }

  private static String param(RoutingContext ctx, String name) {
    return ctx.request().getParam(name);
  }

  private static JsonObject params(RoutingContext ctx, String... names) {
    JsonObject params = new JsonObject();
    for (String name : names) {
      String value = param(ctx, name);
      if (value != null) {
        params.put(name, value);
      }
    }
    return params;
  }
}
