package genpay.credits;

import genpay.config.Addresses;
import genpay.push.SseEvents;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * GET /api/events/account of one HTTP instance (one event loop, so plain maps): the balance at once, then a fresh
 * balance ({@code event: balance}) after each ledger change of the account, wherever in the cluster it was written.
 * One balance read per account and change, however many of its tabs are open; reads of one account never overlap,
 * so an older balance cannot arrive after a newer one.
 */
public final class AccountStreams {

  public static final String EVENT = "balance";
  static final long KEEP_ALIVE_MS = 15_000;
  private static final int WRITE_QUEUE_BYTES = 64 * 1024;
  private static final DeliveryOptions QUICK = new DeliveryOptions().setSendTimeout(5_000);

  private final Vertx vertx;
  private final Map<String, List<Reader>> byAccount = new HashMap<>();
  private final Set<String> reading = new HashSet<>();
  private final Map<String, JsonObject> changedWhileReading = new HashMap<>();

  private AccountStreams(Vertx vertx) {
    this.vertx = vertx;
  }

  /** One local consumer and one keep-alive timer per HTTP instance. */
  public static AccountStreams start(Vertx vertx) {
    AccountStreams streams = new AccountStreams(vertx);
    vertx.eventBus().<JsonObject>localConsumer(Addresses.ACCOUNT_PUSH_DELIVER,
        change -> streams.changed(change.body()));
    vertx.setPeriodic(KEEP_ALIVE_MS, id -> streams.keepAlive());
    return streams;
  }

  /** Opens the stream and sends the balance as soon as it is read (the stream is registered first: no change is lost). */
  public void open(HttpServerResponse response, String accountId, String plan) {
    Reader reader = new Reader(response, plan);
    byAccount.computeIfAbsent(accountId, key -> new ArrayList<>()).add(reader);
    response.closeHandler(closed -> remove(accountId, reader));
    response.setChunked(true)
        .setWriteQueueMaxSize(WRITE_QUEUE_BYTES)
        .putHeader("Content-Type", "text/event-stream; charset=utf-8")
        .putHeader("Cache-Control", "no-cache")
        .putHeader("X-Accel-Buffering", "no")
        .putHeader("Connection", "keep-alive")
        .write(SseEvents.retry());
    refresh(accountId, null);
  }

  private void changed(JsonObject change) {
    String accountId = change.getString("accountId");
    if (accountId != null && byAccount.containsKey(accountId)) {
      refresh(accountId, new JsonObject().put("type", change.getString("type"))
          .put("entryId", change.getString("entryId")));
    }
  }

  private void refresh(String accountId, JsonObject change) {
    if (!reading.add(accountId)) {
      // Read again once the read under way ends; the newest change is the one to name.
      changedWhileReading.put(accountId, change == null ? new JsonObject() : change);
      return;
    }
    vertx.eventBus().<JsonObject>request(Addresses.CREDITS_BALANCE, new JsonObject().put("accountId", accountId), QUICK)
        .onComplete(read -> {
          reading.remove(accountId);
          if (read.succeeded()) {
            send(accountId, snapshot(read.result().body()), change);
          }
          JsonObject again = changedWhileReading.remove(accountId);
          if (again != null && byAccount.containsKey(accountId)) {
            refresh(accountId, again.isEmpty() ? null : again);
          }
        });
  }

  /** {@code {balance, buckets:[{source, remaining, expiresAt}]}} of the ledger's balance answer. */
  static JsonObject snapshot(JsonObject balance) {
    JsonArray buckets = new JsonArray();
    for (Object item : balance.getJsonArray("buckets", new JsonArray())) {
      JsonObject bucket = (JsonObject) item;
      buckets.add(new JsonObject().put("source", bucket.getString("source"))
          .put("remaining", bucket.getValue("remaining")).put("expiresAt", bucket.getValue("expiresAt")));
    }
    return new JsonObject().put("balance", balance.getValue("balance")).put("buckets", buckets);
  }

  private void send(String accountId, JsonObject snapshot, JsonObject change) {
    List<Reader> readers = byAccount.get(accountId);
    if (readers == null) {
      return;
    }
    for (Reader reader : List.copyOf(readers)) {
      JsonObject data = snapshot.copy().put("plan", reader.plan);
      if (change != null) {
        data.put("change", change);
      }
      if (!reader.offer(data)) {
        remove(accountId, reader);
      }
    }
  }

  private void keepAlive() {
    for (Map.Entry<String, List<Reader>> entry : new ArrayList<>(byAccount.entrySet())) {
      for (Reader reader : List.copyOf(entry.getValue())) {
        if (!reader.keepAlive()) {
          remove(entry.getKey(), reader);
        }
      }
    }
  }

  private void remove(String accountId, Reader reader) {
    List<Reader> readers = byAccount.get(accountId);
    if (readers != null && readers.remove(reader) && readers.isEmpty()) {
      byAccount.remove(accountId);
    }
  }

  /** One browser tab. While its write queue is full only the newest balance waits; stuck two ticks: reset. */
  private static final class Reader {
    private final HttpServerResponse response;
    private final String plan;
    private long nextId = 1;
    private JsonObject waiting;
    private boolean fullAtLastTick;

    Reader(HttpServerResponse response, String plan) {
      this.response = response;
      this.plan = plan;
      response.drainHandler(drained -> {
        JsonObject next = waiting;
        waiting = null;
        if (next != null) {
          offer(next);
        }
      });
    }

    /** False once the stream is gone. */
    boolean offer(JsonObject data) {
      if (response.closed()) {
        return false;
      }
      if (response.writeQueueFull()) {
        waiting = data;
        return true;
      }
      response.write(Buffer.buffer(SseEvents.event(EVENT, nextId++, data)));
      return true;
    }

    boolean keepAlive() {
      if (response.closed()) {
        return false;
      }
      if (response.writeQueueFull()) {
        if (fullAtLastTick) {
          response.reset();
          return false;
        }
        fullAtLastTick = true;
        return true;
      }
      fullAtLastTick = false;
      response.write(Buffer.buffer(SseEvents.keepAlive()));
      return true;
    }
  }
}
