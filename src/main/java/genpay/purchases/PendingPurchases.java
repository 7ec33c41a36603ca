package genpay.purchases;

import genpay.redis.RedisClients;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.concurrent.TimeUnit;

/**
 * What the engine itself sold under a Checkout Session id: the grant reads the account, credits and bonus from
 * here, never from Stripe's metadata alone. Kept long enough for a delayed payment to settle.
 */
public final class PendingPurchases {

  static final long TTL_SECONDS = TimeUnit.DAYS.toSeconds(30);

  /**
   * Credits and bonus in hundredths, price in cents; packageId null for a custom amount. The e-mail is the
   * account's until Checkout says who paid; the locale is the buyer's page language, for the e-mail.
   */
  public record Purchase(String sessionId, String accountId, String packageId, long credits, long bonus,
                         long priceCents, String currency, String email, String locale) {

    public JsonObject toJson() {
      return new JsonObject().put("sessionId", sessionId).put("accountId", accountId).put("packageId", packageId)
          .put("credits", credits).put("bonus", bonus).put("priceCents", priceCents).put("currency", currency)
          .put("email", email).put("locale", locale);
    }
  }

  private final Redis redis;
  private final long timeoutMs;

  public PendingPurchases(Redis redis, long timeoutMs) {
    this.redis = redis;
    this.timeoutMs = timeoutMs;
  }

  static String key(String sessionId) {
    return "purchase:credits:" + sessionId;
  }

  public Future<Void> remember(Purchase purchase) {
    Request set = Request.cmd(Command.HSET).arg(key(purchase.sessionId()))
        .arg("account").arg(purchase.accountId())
        .arg("package").arg(purchase.packageId() == null ? "" : purchase.packageId())
        .arg("credits").arg(purchase.credits())
        .arg("bonus").arg(purchase.bonus())
        .arg("price").arg(purchase.priceCents())
        .arg("currency").arg(purchase.currency())
        .arg("email").arg(purchase.email() == null ? "" : purchase.email())
        .arg("locale").arg(purchase.locale());
    return RedisClients.send(redis, set, timeoutMs)
        .compose(done -> RedisClients.send(redis, Request.cmd(Command.EXPIRE).arg(key(purchase.sessionId()))
            .arg(TTL_SECONDS), timeoutMs))
        .mapEmpty();
  }

  /** The purchase, or null when this engine sold nothing under that id (or it is long gone). */
  public Future<Purchase> find(String sessionId) {
    return RedisClients.send(redis, Request.cmd(Command.HGETALL).arg(key(sessionId)), timeoutMs).map(fields -> {
      if (fields == null || fields.size() == 0 || fields.get("account") == null) {
        return null;
      }
      String packageId = text(fields, "package");
      return new Purchase(sessionId, text(fields, "account"), packageId.isEmpty() ? null : packageId,
          fields.get("credits").toLong(), fields.get("bonus").toLong(), fields.get("price").toLong(),
          text(fields, "currency"), text(fields, "email"), text(fields, "locale"));
    });
  }

  /** Who paid, as Checkout has it (customer_details.email): the "credits bought" e-mail goes there. */
  public Future<Void> payer(String sessionId, String email) {
    return RedisClients.send(redis, Request.cmd(Command.HSET).arg(key(sessionId)).arg("email").arg(email), timeoutMs)
        .mapEmpty();
  }

  private static String text(Response fields, String name) {
    Response value = fields.get(name);
    return value == null ? "" : value.toString();
  }
}
