package genpay.credits;

import genpay.config.BusFailure;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.function.Supplier;

import static genpay.config.BusReplies.failure;

/** The event-bus face of the {@link Ledger}: JSON in (credits as numbers), JSON out; bad input fails 400. */
public final class CreditsRequests {

  private final Ledger ledger;
  private final CreditsConfig config;

  public CreditsRequests(Ledger ledger, CreditsConfig config) {
    this.ledger = ledger;
    this.config = config;
  }

  public Future<JsonObject> grant(JsonObject body) {
    return parsed(() -> {
      String expires = body.getString("expiresAt");
      String at = body.getString("at");
      return ledger.grant(body.getString("accountId"), EntryType.fromWire(body.getString("type")),
          Credits.parse(body.getValue("amount")), body.getString("sourceId"),
          expires == null ? null : Instant.parse(expires), body.getString("description"),
          at == null ? null : Instant.parse(at));
    }).map(LedgerOutcome::toJson);
  }

  public Future<JsonObject> freeGrant(JsonObject body) {
    return parsed(() -> ledger.freeGrant(body.getString("accountId"), config.plan("free").monthlyCredits()))
        .map(LedgerOutcome::toJson);
  }

  public Future<JsonObject> spend(JsonObject body) {
    return parsed(() -> ledger.spend(body.getString("accountId"), Credits.parse(body.getValue("amount")),
        body.getString("sourceId"), body.getString("operation"), body.getString("model"),
        body.getString("description"))).map(LedgerOutcome::toJson);
  }

  public Future<JsonObject> refund(JsonObject body) {
    return parsed(() -> ledger.refund(body.getString("accountId"), Credits.parse(body.getValue("amount")),
        body.getString("sourceId"), body.getString("spentSourceId"), body.getString("description")))
        .map(LedgerOutcome::toJson);
  }

  public Future<JsonObject> expire(JsonObject body) {
    String account = body.getString("accountId");
    return parsed(() -> ledger.expire(account)).compose(expired -> parsed(() -> ledger.balance(account))
        .map(balance -> balance.toJson().put("expired", expired)));
  }

  public Future<JsonObject> balance(JsonObject body) {
    return parsed(() -> ledger.balance(body.getString("accountId"))).map(Balance::toJson);
  }

  public Future<JsonObject> entries(JsonObject body) {
    return parsed(() -> {
      String type = body.getString("type");
      return ledger.entries(body.getString("accountId"), body.getInteger("page", 1), body.getInteger("limit", 20),
          type == null || type.isEmpty() ? null : EntryType.fromWire(type), body.getString("q"));
    }).map(EntryPage::toJson);
  }

  public Future<JsonObject> usageDaily(JsonObject body) {
    return parsed(() -> ledger.usageDaily(body.getString("accountId"), body.getInteger("days", 30))).map(days -> {
      JsonArray list = new JsonArray();
      days.forEach(day -> list.add(day.toJson()));
      return new JsonObject().put("days", list);
    });
  }

  public Future<JsonObject> usageSummary(JsonObject body) {
    return parsed(() -> ledger.usageSummary(body.getString("accountId"), LocalDate.parse(body.getString("from")),
        LocalDate.parse(body.getString("to")))).map(UsageDay::toJson);
  }

  public Future<JsonObject> usageByModel(JsonObject body) {
    return parsed(() -> ledger.usageByModel(body.getString("accountId"), LocalDate.parse(body.getString("from")),
        LocalDate.parse(body.getString("to")))).map(models -> {
          JsonObject json = new JsonObject();
          models.forEach((model, tally) -> json.put(model, tally.toJson()));
          return new JsonObject().put("models", json);
        });
  }

  /** Anything wrong with the request (missing, wrong type, out of range) is a 400 that changed nothing. */
  private static <T> Future<T> parsed(Supplier<Future<T>> call) {
    Future<T> future;
    try {
      future = call.get();
    } catch (IllegalArgumentException | ClassCastException | NullPointerException | DateTimeParseException e) {
      return failure(BusFailure.BAD_REQUEST, message(e));
    }
    return future.recover(cause -> cause instanceof IllegalArgumentException
        ? failure(BusFailure.BAD_REQUEST, message(cause)) : Future.failedFuture(cause));
  }

  private static String message(Throwable e) {
    return e.getMessage() == null ? "bad request" : e.getMessage();
  }
}
