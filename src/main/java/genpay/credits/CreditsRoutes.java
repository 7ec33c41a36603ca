package genpay.credits;

import genpay.web.JsonAnswer;
import genpay.accounts.Account;
import genpay.accounts.AuthHandler;
import genpay.config.Addresses;
import genpay.config.Settings;
import genpay.web.InvalidInput;
import genpay.web.Problems;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.function.Function;

/** The credits API of DESIGN.md section 14: thin handlers over the {@code credits.*} addresses. */
public final class CreditsRoutes {

  /** A CSV export holds at most this many entries (100 pages of 100), newest first. */
  public static final int CSV_MAX_PAGES = 100;
  private static final DeliveryOptions QUICK = new DeliveryOptions().setSendTimeout(5_000);

  private final Settings settings;
  private final EventBus bus;
  private final Clock clock;
  private final AccountStreams streams;
  private final JsonObject plans;
  private final JsonObject packages;

  public CreditsRoutes(Settings settings, EventBus bus, Clock clock, AccountStreams streams) {
    this.settings = settings;
    this.bus = bus;
    this.clock = clock;
    this.streams = streams;
    this.plans = plansJson(settings.credits());
    this.packages = packagesJson(settings.credits());
  }

  /** Mount after {@code AccountRoutes.mount}: the auth handler must have seen the request. */
  public void mount(Router router) {
    router.get("/api/credits/plans").handler(ctx -> json(ctx, plans));
    router.get("/api/credits/packages").handler(ctx -> json(ctx, packages));
    router.get("/api/payment/config").handler(ctx -> json(ctx, new JsonObject()
        .put("publishableKey", settings.stripePublishableKey()).put("sandbox", settings.stripeSandbox())));
    router.get("/api/credits/balance").handler(AuthHandler.required()).handler(this::balance);
    router.get("/api/credits/transactions").handler(AuthHandler.required()).handler(this::transactions);
    router.get("/api/credits/transactions.csv").handler(AuthHandler.required()).handler(this::csv);
    router.get("/api/credits/usage/summary").handler(AuthHandler.required())
        .handler(ctx -> ranged(ctx, Addresses.CREDITS_USAGE_SUMMARY, Function.identity()));
    router.get("/api/credits/usage/models").handler(AuthHandler.required())
        .handler(ctx -> ranged(ctx, Addresses.CREDITS_USAGE_MODELS, Function.identity()));
    router.get("/api/credits/usage/daily").handler(AuthHandler.required()).handler(this::daily);
    router.get("/api/events/account").handler(AuthHandler.required()).handler(ctx -> {
      Account account = AuthHandler.account(ctx);
      streams.open(ctx.response(), account.id(), account.plan());
    });
  }

  private void balance(RoutingContext ctx) {
    Account account = AuthHandler.account(ctx);
    ask(ctx, Addresses.CREDITS_BALANCE, new JsonObject().put("accountId", account.id()),
        body -> AccountStreams.snapshot(body).put("plan", account.plan()));
  }

  private void transactions(RoutingContext ctx) {
    CreditsQuery.Filters filters;
    try {
      filters = filters(ctx);
    } catch (InvalidInput invalid) {
      Problems.invalid(ctx, invalid);
      return;
    }
    ask(ctx, Addresses.CREDITS_ENTRIES, entriesRequest(ctx, filters, filters.page(), filters.limit()),
        Function.identity());
  }

  /** Every entry the filters match (page and limit are not used), newest first, written as pages arrive. */
  private void csv(RoutingContext ctx) {
    CreditsQuery.Filters filters;
    try {
      filters = filters(ctx);
    } catch (InvalidInput invalid) {
      Problems.invalid(ctx, invalid);
      return;
    }
    String name = "credits-" + LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC) + ".csv";
    ctx.put("csv.name", name);
    csvPage(ctx, filters, 1);
  }

  private void csvPage(RoutingContext ctx, CreditsQuery.Filters filters, int page) {
    bus.<JsonObject>request(Addresses.CREDITS_ENTRIES,
            entriesRequest(ctx, filters, page, CreditsQuery.MAX_LIMIT), QUICK)
        .onSuccess(reply -> {
          var response = ctx.response();
          if (response.closed()) {
            return;
          }
          if (page == 1) {
            response.setChunked(true).putHeader("Content-Type", "text/csv; charset=utf-8")
                .putHeader("Cache-Control", "no-store")
                .putHeader("Content-Disposition", "attachment; filename=\"" + ctx.get("csv.name") + "\"")
                .write(CsvExport.header());
          }
          JsonObject body = reply.body();
          JsonArray items = body.getJsonArray("items");
          StringBuilder rows = new StringBuilder();
          items.forEach(item -> rows.append(CsvExport.row((JsonObject) item)));
          response.write(rows.toString());
          boolean more = (long) page * CreditsQuery.MAX_LIMIT < body.getLong("total") && !items.isEmpty();
          if (more && page < CSV_MAX_PAGES) {
            csvPage(ctx, filters, page + 1);
          } else {
            response.end();
          }
        })
        .onFailure(failure -> {
          if (page == 1) {
            Problems.send(ctx, Problems.fromFailure(failure));
          } else {
            // Headers are out: a cut-off file must not look complete.
            ctx.response().reset();
          }
        });
  }

  private void ranged(RoutingContext ctx, String address, Function<JsonObject, JsonObject> shape) {
    CreditsQuery.Range range;
    try {
      range = CreditsQuery.range(ctx.request().getParam("from"), ctx.request().getParam("to"),
          LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC));
    } catch (InvalidInput invalid) {
      Problems.invalid(ctx, invalid);
      return;
    }
    ask(ctx, address, new JsonObject().put("accountId", AuthHandler.account(ctx).id())
        .put("from", range.from().toString()).put("to", range.to().toString()), body -> shape.apply(body)
        .put("from", range.from().toString()).put("to", range.to().toString()));
  }

  private void daily(RoutingContext ctx) {
    int days;
    try {
      days = CreditsQuery.days(ctx.request().getParam("days"));
    } catch (InvalidInput invalid) {
      Problems.invalid(ctx, invalid);
      return;
    }
    ask(ctx, Addresses.CREDITS_USAGE_DAILY, new JsonObject().put("accountId", AuthHandler.account(ctx).id())
        .put("days", days), Function.identity());
  }

  private static CreditsQuery.Filters filters(RoutingContext ctx) {
    var params = ctx.request().params();
    return CreditsQuery.filters(params.get("page"), params.get("limit"), params.get("type"), params.get("q"));
  }

  private static JsonObject entriesRequest(RoutingContext ctx, CreditsQuery.Filters filters, int page, int limit) {
    JsonObject request = new JsonObject().put("accountId", AuthHandler.account(ctx).id()).put("page", page)
        .put("limit", limit);
    if (filters.type() != null) {
      request.put("type", filters.type());
    }
    if (filters.q() != null) {
      request.put("q", filters.q());
    }
    return request;
  }

  private void ask(RoutingContext ctx, String address, JsonObject request, Function<JsonObject, JsonObject> shape) {
    bus.<JsonObject>request(address, request, QUICK)
        .map(Message::body)
        .map(shape)
        .onSuccess(body -> json(ctx, body))
        .onFailure(failure -> Problems.send(ctx, Problems.fromFailure(failure)));
  }

  static JsonObject plansJson(CreditsConfig config) {
    JsonArray list = new JsonArray();
    config.plans().values().stream()
        .sorted(Comparator.comparingLong(Plan::monthlyPriceCents).thenComparing(Plan::id))
        .forEach(plan -> list.add(new JsonObject().put("id", plan.id())
            .put("monthlyCredits", Credits.toJson(plan.monthlyCredits()))
            .put("monthlyPrice", Credits.toJson(plan.monthlyPriceCents()))
            .put("yearlyPrice", Credits.toJson(plan.yearlyPriceCents()))
            .put("types", new JsonArray(plan.types())).put("priority", plan.priority())
            .put("apiAccess", plan.apiAccess()).put("customModels", plan.customModels()).put("sla", plan.sla())
            .put("support", plan.support())));
    return new JsonObject().put("currency", config.currency()).put("plans", list);
  }

  static JsonObject packagesJson(CreditsConfig config) {
    JsonArray list = new JsonArray();
    config.packages().values().forEach(pack -> list.add(new JsonObject().put("id", pack.id())
        .put("credits", Credits.toJson(pack.credits())).put("bonus", Credits.toJson(pack.bonus()))
        .put("total", Credits.toJson(pack.credits() + pack.bonus())).put("price", Credits.toJson(pack.priceCents()))));
    CustomAmount custom = config.custom();
    return new JsonObject().put("currency", config.currency()).put("packages", list)
        .put("custom", new JsonObject().put("min", custom.min()).put("max", custom.max())
            .put("unitPrice", Credits.toJson(custom.unitPriceCents())));
  }

  private static void json(RoutingContext ctx, JsonObject body) {
    JsonAnswer.send(ctx, 200, body);
  }
}
