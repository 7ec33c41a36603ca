package genpay.web;

import genpay.accounts.Account;
import genpay.accounts.AuthHandler;
import genpay.config.Addresses;
import genpay.config.Settings;
import genpay.credits.Credits;
import genpay.credits.Plan;
import genpay.sessions.CreditOrder;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POST /api/generations: an order paid with credits. Validate, check the plan, spend the whole cost first (keyed
 * by the new order id, so it counts once), then store the order with its jobs. The store call is idempotent by
 * order id and tried again; only when it still fails are the credits given back, so nobody pays for nothing.
 */
public final class GenerationHandler implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(GenerationHandler.class);
  private static final DeliveryOptions CALL = new DeliveryOptions().setSendTimeout(10_000);
  static final int STORE_ATTEMPTS = 3;

  private final Settings settings;
  private final EventBus bus;

  public GenerationHandler(Settings settings, EventBus bus) {
    this.settings = settings;
    this.bus = bus;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Account account = AuthHandler.account(ctx);
    GenerationRequest request;
    try {
      request = GenerationRequest.parse(ctx.body().buffer());
    } catch (InvalidInput invalid) {
      Problems.invalid(ctx, invalid);
      return;
    }
    Plan plan = settings.credits().plan(account.plan());
    if (plan == null || !plan.allows(request.type())) {
      Problems.send(ctx, Problems.problem(403, "plan-required", "Your plan does not include this",
          "The " + account.plan() + " plan does not include " + request.type() + " generation; upgrade to order it."));
      return;
    }
    long unit = settings.credits().costs().item(request.type(), request.quality(), request.durationSeconds());
    long cost = unit * request.quantity();
    // In the account's shard (DESIGN.md section 18): the order lives beside the ledger it was paid from.
    String orderId = settings.shards().mintNear(account.id(), SessionIds::newCreditOrderId);
    JsonObject spend = new JsonObject().put("accountId", account.id()).put("amount", Credits.toJson(cost))
        .put("sourceId", orderId).put("operation", request.type()).put("model", request.model())
        .put("description", request.quantity() + " " + request.type() + "(s)");
    bus.<JsonObject>request(Addresses.CREDITS_SPEND, spend, CALL)
        .map(Message::body)
        .onFailure(failure -> {
          // The spend may have landed before the failure: give back whatever it took (a no-op if nothing).
          giveBack(account, orderId, cost);
          Problems.send(ctx, Problems.fromFailure(failure));
        })
        .onSuccess(spent -> {
          if (!"applied".equals(spent.getString("status"))) {
            Problems.send(ctx, Problems.problem(402, "insufficient-credits", "Not enough credits",
                    "This order costs " + Credits.format(cost) + " credits; the balance is "
                        + spent.getValue("balance") + ".")
                .put("needed", spent.getValue("needed")).put("balance", spent.getValue("balance")));
            return;
          }
          CreditOrder order = new CreditOrder(orderId, account.id(), request.type(), request.prompt(),
              request.quantity(), request.quality() == null ? "" : request.quality(), request.durationSeconds(), unit,
              request.toolSlug(), request.toolTitle(), request.locale(), plan.priority());
          store(order, 1)
              .onSuccess(session -> ctx.response().setStatusCode(201)
                  .putHeader("Content-Type", "application/json")
                  .putHeader("Cache-Control", "no-store")
                  .putHeader("Location", "/api/webhook-status/" + orderId)
                  .end(new JsonObject().put("orderId", orderId).put("cost", Credits.toJson(cost))
                      .put("balance", spent.getValue("balance")).put("files", session.getJsonArray("files"))
                      .put("events", "/api/events/session/" + orderId).encode()))
              .onFailure(failure -> {
                LOG.warn("order {}: not stored after {} tries, credits given back", orderId, STORE_ATTEMPTS);
                giveBack(account, orderId, cost);
                Problems.send(ctx, Problems.unavailable("The order could not be stored; your credits were not"
                    + " spent. Try again shortly."));
              });
        });
  }

  /** The store answers the order as stored on a repeat, so a try that timed out yet landed is no second order. */
  private Future<JsonObject> store(CreditOrder order, int attempt) {
    return bus.<JsonObject>request(Addresses.SESSIONS_CREDIT_ORDER, order.toJson(), CALL)
        .map(Message::body)
        .recover(failure -> attempt >= STORE_ATTEMPTS ? Future.failedFuture(failure) : store(order, attempt + 1));
  }

  private void giveBack(Account account, String orderId, long cost) {
    bus.<JsonObject>request(Addresses.CREDITS_REFUND, new JsonObject().put("accountId", account.id())
            .put("amount", Credits.toJson(cost)).put("sourceId", "refund:" + orderId + ":store")
            .put("spentSourceId", orderId).put("description", "order not stored"), CALL)
        .onFailure(failure -> LOG.warn("order {}: credits not given back yet: {}", orderId, failure.getMessage()));
  }
}
