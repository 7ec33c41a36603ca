package genpay.media;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.TimeUnit;

/** The stored copies as the web sees them: a link to each, deletion, and the sweep of those whose order expired. */
public final class MediaLibrary {

  private static final Logger LOG = LoggerFactory.getLogger(MediaLibrary.class);
  private static final int SWEEP_BATCH = 100;

  private final Vertx vertx;
  private final MediaStore store;
  private final MediaRecords records;
  private final long recordTtlSeconds;

  public MediaLibrary(Vertx vertx, MediaStore store, MediaRecords records, int ttlDays) {
    this.vertx = vertx;
    this.store = store;
    this.records = records;
    this.recordTtlSeconds = TimeUnit.DAYS.toSeconds(ttlDays);
  }

  static JsonObject answer(int status, String detail) {
    return new JsonObject().put("status", status).put("detail", detail);
  }

  /** {@code {status: 302, location}} to a fresh presigned GET, or 404/410 with a detail. */
  public Future<JsonObject> link(String fileId, boolean thumbnail, boolean download) {
    return records.read(fileId).compose(record -> {
      if (record.containsKey("deletedAt")) {
        return Future.succeededFuture(answer(410, "This file was deleted."));
      }
      String key = record.getOrDefault(thumbnail ? "thumbnailKey" : "objectKey", "");
      if (!record.containsKey("storedAt") || key.isEmpty()) {
        return Future.succeededFuture(answer(404, thumbnail ? "This file has no stored thumbnail."
            : "This file is not stored (yet): it appears here once its generation completes."));
      }
      // Signing needs no network, but the SDK may load its endpoint rules the first time: off the event loop.
      return vertx.executeBlocking(() -> store.link(key, MediaStore.LINK_VALIDITY, download), false)
          .map(location -> new JsonObject().put("status", 302).put("location", location));
    });
  }

  /** Deletes a file's objects from the store, then its index entry. 204, or 404 when nothing was stored. */
  public Future<JsonObject> delete(String fileId) {
    return records.markDeleted(fileId, System.currentTimeMillis(), recordTtlSeconds).compose(keys -> {
      if (keys.isEmpty()) {
        return Future.succeededFuture(answer(404, "This file has no stored media."));
      }
      return removeObjects(keys).compose(v -> records.unindex(fileId)).map(v -> new JsonObject().put("status", 204));
    });
  }

  /** Deletes the media of orders past their TTL, a batch at a time; answers how many files. */
  public Future<Integer> sweep(long now) {
    return records.due(now, SWEEP_BATCH).compose(due -> {
      Future<Integer> chain = Future.succeededFuture(0);
      for (String fileId : due) {
        chain = chain.compose(count -> records.markDeleted(fileId, now, recordTtlSeconds)
            .compose(this::removeObjects)
            .compose(v -> records.unindex(fileId))
            .map(count + 1));
      }
      return chain.compose(count -> {
        if (count > 0) {
          LOG.info("media: {} file(s) of expired orders deleted from the object store", count);
        }
        return count == SWEEP_BATCH ? sweep(now).map(more -> count + more) : Future.succeededFuture(count);
      });
    });
  }

  /** Adds up, a page at a time, what each account held in the object store for {@code month}. */
  public Future<StorageCharges> usage(java.time.YearMonth month) {
    StorageCharges charges = new StorageCharges(month);
    return usagePage(charges, 0).map(charges);
  }

  private Future<Void> usagePage(StorageCharges charges, long offset) {
    return records.stored(offset, SWEEP_BATCH).compose(ids -> {
      Future<Void> chain = Future.succeededFuture();
      for (String fileId : ids) {
        chain = chain.compose(v -> records.owner(fileId).map(owner -> {
          if (!owner.get(1).isEmpty() && !owner.get(2).isEmpty()) {
            charges.add(owner.get(0), Long.parseLong(owner.get(1)), Long.parseLong(owner.get(2)));
          }
          return null;
        }));
      }
      return ids.size() == SWEEP_BATCH ? chain.compose(v -> usagePage(charges, offset + SWEEP_BATCH)) : chain;
    });
  }

  private Future<Void> removeObjects(List<String> keys) {
    return vertx.executeBlocking(() -> {
      keys.forEach(store::delete);
      return null;
    }, false);
  }
}
