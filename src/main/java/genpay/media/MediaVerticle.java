package genpay.media;

import genpay.config.Addresses;
import genpay.config.BusReplies;
import genpay.config.Settings;
import genpay.redis.RedisClients;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import genpay.credits.Credits;

import java.time.Duration;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static genpay.config.BusReplies.answering;

/**
 * The stored media's links and deletions, and the sweep that deletes media with its order: thin, over
 * {@link MediaLibrary}. Store calls block, so they run on a worker pool.
 */
public final class MediaVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(MediaVerticle.class);
  public static final long SWEEP_INTERVAL_MS = Duration.ofMinutes(10).toMillis();
  static final long CHARGE_FIRST_DELAY_MS = Duration.ofMinutes(1).toMillis();
  static final long CHARGE_INTERVAL_MS = Duration.ofDays(1).toMillis();

  private final Settings settings;
  private Redis redis;
  private MediaStore store;
  private MediaLibrary library;
  private boolean sweeping;

  public MediaVerticle(Settings settings) {
    this.settings = settings;
  }

  @Override
  public Future<?> start() {
    redis = RedisClients.create(vertx, settings, "media");
    store = new MediaStore(settings.storage(), MediaWiring.CALL_TIMEOUT);
    library = new MediaLibrary(vertx, store, new MediaRecords(redis, settings.redisTimeoutMs(),
        TimeUnit.DAYS.toSeconds(settings.sessionTtlDays())),
        settings.sessionTtlDays());
    vertx.setPeriodic(SWEEP_INTERVAL_MS, id -> sweep());
    // Daily, and soon after start: the month just ended is charged once per account (the ledger keeps it once).
    vertx.setTimer(CHARGE_FIRST_DELAY_MS, id -> chargeLastMonth());
    vertx.setPeriodic(CHARGE_INTERVAL_MS, id -> chargeLastMonth());
    var bus = vertx.eventBus();
    return Future.all(List.of(
        bus.<JsonObject>localConsumer(Addresses.MEDIA_LINK, answering((JsonObject body) -> library.link(
            body.getString("fileId"), body.getBoolean("thumbnail", false), body.getBoolean("download", false))))
            .completion(),
        bus.<JsonObject>localConsumer(Addresses.MEDIA_DELETE, answering(this::delete)).completion(),
        bus.<JsonObject>localConsumer(Addresses.MEDIA_CHARGE, answering((JsonObject body) ->
            charge(YearMonth.parse(body.getString("month"))))).completion(),
        bus.<JsonObject>localConsumer(Addresses.MEDIA_SWEEP, answering((JsonObject body) -> library.sweep(body.getLong("now", System.currentTimeMillis()))
            .map(deleted -> new JsonObject().put("deleted", deleted)))).completion()));
  }

  @Override
  public Future<?> stop() {
    store.close();
    redis.close();
    return Future.succeededFuture();
  }

  /** Only the owner of an account order may delete its media; a card order has no owner to sign in. */
  private Future<JsonObject> delete(JsonObject body) {
    String fileId = body.getString("fileId");
    String accountId = body.getString("accountId");
    return vertx.eventBus().<JsonObject>request(Addresses.SESSIONS_FILE_GET, new JsonObject().put("fileId", fileId))
        .compose(file -> vertx.eventBus().<JsonObject>request(Addresses.SESSIONS_GET, new JsonObject()
            .put("sessionId", file.body().getString("sessionId")).put("withContact", true)))
        .transform(read -> {
          if (read.failed()) {
            return BusReplies.isNotFound(read.cause())
                ? Future.succeededFuture(MediaLibrary.answer(404, "No file with this id."))
                : Future.failedFuture(read.cause());
          }
          String owner = read.result().body().getJsonObject("contact", new JsonObject()).getString("accountId", "");
          if (owner.isEmpty() || !owner.equals(accountId)) {
            return Future.succeededFuture(MediaLibrary.answer(403, "Only the account that ordered this file may delete it."));
          }
          return library.delete(fileId).onSuccess(answer -> {
            if (answer.getInteger("status") == 204) {
              LOG.info("file {}: media deleted by its owner", fileId);
            }
          });
        });
  }

  private void chargeLastMonth() {
    charge(YearMonth.now(ZoneOffset.UTC).minusMonths(1))
        .onFailure(failure -> LOG.warn("media: storage charge failed ({}), tried again tomorrow", failure.getMessage()));
  }

  /**
   * Charges every account for what it stored in {@code month}, with source {@code storage:{accountId}:{yyyy-mm}}:
   * a repeat is a no-op; an account whose balance is short is refused whole and left uncharged (never negative).
   */
  private Future<JsonObject> charge(YearMonth month) {
    return library.usage(month).compose(usage -> {
      Map<String, Long> owed = usage.owed(settings.credits().costs());
      JsonObject outcome = new JsonObject().put("month", month.toString()).put("charged", 0).put("refused", 0)
          .put("repeated", 0);
      Future<Void> chain = Future.succeededFuture();
      for (Map.Entry<String, Long> due : owed.entrySet()) {
        String account = due.getKey();
        double gb = usage.bytes(account) / StorageCharges.GB;
        chain = chain.compose(v -> vertx.eventBus().<JsonObject>request(Addresses.CREDITS_SPEND, new JsonObject()
                .put("accountId", account).put("amount", Credits.toJson(due.getValue()))
                .put("sourceId", StorageCharges.sourceId(account, month)).put("operation", "storage")
                .put("model", "object-storage")
                .put("description", String.format(Locale.ROOT, "Media storage, %s: %.3f GB-month", month, gb)))
            .map(reply -> {
              JsonObject result = reply.body();
              String counter = !"applied".equals(result.getString("status")) ? "refused"
                  : result.getBoolean("duplicate", false) ? "repeated" : "charged";
              outcome.put(counter, outcome.getInteger(counter) + 1);
              if ("refused".equals(counter)) {
                LOG.warn("media: account {} could not pay {} credits of storage for {} ({})", account,
                    Credits.format(due.getValue()), month, result.getString("reason"));
              }
              return null;
            }));
      }
      return chain.map(v -> {
        if (outcome.getInteger("charged") > 0) {
          LOG.info("media: storage for {} charged to {} account(s)", month, outcome.getInteger("charged"));
        }
        return outcome;
      });
    });
  }

  private void sweep() {
    if (sweeping) {
      return;
    }
    sweeping = true;
    library.sweep(System.currentTimeMillis())
        .onFailure(failure -> LOG.warn("media: sweep of expired media failed ({}), next round in {} min",
            failure.getMessage(), SWEEP_INTERVAL_MS / 60_000))
        .onComplete(done -> sweeping = false);
  }
}
