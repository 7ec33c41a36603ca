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

import java.time.Duration;
import java.util.List;

import static genpay.config.BusReplies.answering;

/**
 * The stored media's links and deletions, and the sweep that deletes media with its order: thin, over
 * {@link MediaLibrary}. Store calls block, so they run on a worker pool.
 */
public final class MediaVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(MediaVerticle.class);
  public static final long SWEEP_INTERVAL_MS = Duration.ofMinutes(10).toMillis();

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
    library = new MediaLibrary(vertx, store, new MediaRecords(redis, settings.redisTimeoutMs()),
        settings.sessionTtlDays());
    vertx.setPeriodic(SWEEP_INTERVAL_MS, id -> sweep());
    var bus = vertx.eventBus();
    return Future.all(List.of(
        bus.<JsonObject>localConsumer(Addresses.MEDIA_LINK, answering((JsonObject body) -> library.link(
            body.getString("fileId"), body.getBoolean("thumbnail", false), body.getBoolean("download", false))))
            .completion(),
        bus.<JsonObject>localConsumer(Addresses.MEDIA_DELETE, answering(this::delete)).completion(),
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
