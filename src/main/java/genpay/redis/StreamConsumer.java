package genpay.redis;

import genpay.config.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The read loop of one consumer of a sharded job queue (each shard has its own streams, DESIGN.md section 18),
 * shared by the generation and the request workers. On a Redis Cluster one command may not name streams of
 * different shards, and a blocking read per node is impossible, so every read is a non-blocking read of one
 * shard's stream, and reads happen when there may be something to read:
 * <ul>
 *   <li>a shard is "due" when {@code jobs.queued} names it (published cluster-wide by whoever queued a job, after
 *   the script that queued it), and once per {@code fallbackMs} for every shard (a signal lost with a node that
 *   died between its script and its publish, or a job queued by a hand that does not signal);</li>
 *   <li>a round reads the first stream (priority) of every due shard, then the next, each while the worker has
 *   room; a shard stays due while a read filled its count or a signal came in during the round.</li>
 * </ul>
 * When nothing is due the loop sleeps: an idle node makes one call per shard and stream per {@code fallbackMs},
 * and a queued job is picked up one event-bus hop after its script. Own pending entries (a read that came too
 * late), claiming entries of dead workers, heartbeats and pruning gone consumers work stream by stream.
 */
public final class StreamConsumer {

  private static final Logger LOG = LoggerFactory.getLogger(StreamConsumer.class);
  private static final long RETRY_MS = 1_000;
  private static final long ROOM_POLL_MS = 100;
  /** Gone consumers are few and harmless: forgetting them this often is plenty. */
  private static final long PRUNE_EVERY_MS = 30_000;

  /** What the loop hands entries to. */
  public interface Worker {
    /** How many more entries it takes now. */
    int room();

    /** Starts on an entry; {@code claimed}: taken over from a worker that stopped answering. Acking is its own. */
    void take(StreamDelivery entry, boolean claimed);

    /** The entries it is on now, by stream, kept from looking abandoned. */
    Map<String, List<String>> entriesByStream();

    /** Once per maintenance round, after the claims; answers the shards it queued jobs in (read at once). */
    default Future<List<Integer>> maintain(long claimIdleMs) {
      return Future.succeededFuture(List.of());
    }
  }

  /**
   * {@code queue}: the name {@code jobs.queued} carries; {@code streams}: a shard's streams by its tag, in serving
   * order; {@code readBatch}: the most one read takes.
   */
  public record Options(String queue, Function<String, List<String>> streams, int readBatch, int claimBatch,
                        long claimIdleMs, long fallbackMs) {
  }

  private final Vertx vertx;
  private final StreamQueue queue;
  private final Shards shards;
  private final Options options;
  private final String consumer;
  private final Worker worker;
  private final List<String> allStreams;
  private final int levels;
  private final BitSet due;
  private final long[] signals;
  private final Map<String, String> claimCursors = new HashMap<>();
  private MessageConsumer<JsonObject> signalConsumer;
  /** The first start-up pass (groups made, own pending entries read) has ended, well or not. */
  private final Promise<Void> started = Promise.promise();
  private long fallbackTimer = -1;
  private long maintainTimer = -1;
  private long lastPrune;
  private boolean running;
  private boolean idle;
  private boolean maintaining;
  /** Set when a read failed or came late: Redis may have handed this consumer entries it never saw. */
  private boolean ownPendingUnread = true;

  public StreamConsumer(Vertx vertx, StreamQueue queue, Shards shards, Options options, String consumer, Worker worker) {
    this.vertx = vertx;
    this.queue = queue;
    this.shards = shards;
    this.options = options;
    this.consumer = consumer;
    this.worker = worker;
    this.levels = options.streams().apply(shards.tag(0)).size();
    List<String> streams = new ArrayList<>();
    for (int level = 0; level < levels; level++) {
      for (String tag : shards.tags()) {
        streams.add(options.streams().apply(tag).get(level));
      }
    }
    this.allStreams = List.copyOf(streams);
    this.due = new BitSet(shards.count());
    this.signals = new long[shards.count()];
  }

  /** Every stream of every shard, first streams (priority) first. */
  public List<String> streams() {
    return allStreams;
  }

  public String consumer() {
    return consumer;
  }

  /**
   * Starts reading. Completes once the first pass over every stream ended (groups made, this consumer's pending
   * entries read), or failed: a Redis that is down does not hold the start up, the loop keeps trying.
   */
  public Future<Void> start() {
    running = true;
    lastPrune = System.currentTimeMillis();
    due.set(0, shards.count());
    signalConsumer = vertx.eventBus().consumer(Addresses.JOBS_QUEUED, message -> {
      JsonObject body = message.body();
      if (options.queue().equals(body.getString("queue")) && body.getValue("shard") instanceof Number shard) {
        signal(shard.intValue());
      }
    });
    fallbackTimer = vertx.setPeriodic(options.fallbackMs(), id -> {
      due.set(0, shards.count());
      wake();
    });
    maintainTimer = vertx.setPeriodic(Math.max(250, options.claimIdleMs() / 3), id -> maintain());
    ensureGroupsThenRead();
    return signalConsumer.completion().compose(v -> started.future());
  }

  public Future<Void> stop() {
    running = false;
    vertx.cancelTimer(fallbackTimer);
    vertx.cancelTimer(maintainTimer);
    return signalConsumer == null ? Future.succeededFuture() : signalConsumer.unregister();
  }

  /** Jobs were queued in {@code shard}: read it now. */
  public void signal(int shard) {
    if (shard < 0 || shard >= shards.count()) {
      return;
    }
    signals[shard]++;
    due.set(shard);
    wake();
  }

  /** The worker has room again (it finished something): go on at once rather than at the next poll. */
  public void wake() {
    if (idle && running) {
      idle = false;
      readLoop();
    }
  }

  private void ensureGroupsThenRead() {
    if (!running) {
      return;
    }
    queue.ensureGroups(allStreams)
        .onSuccess(v -> readLoop())
        .onFailure(failure -> {
          started.tryComplete();
          LOG.warn("{}: queue not ready ({}), retrying", options.queue(), failure.getMessage());
          vertx.setTimer(RETRY_MS, id -> ensureGroupsThenRead());
        });
  }

  private void readLoop() {
    if (!running) {
      return;
    }
    if (ownPendingUnread) {
      readOwnPending(0, "0");
      return;
    }
    if (worker.room() <= 0) {
      vertx.setTimer(ROOM_POLL_MS, id -> readLoop());
      return;
    }
    if (due.isEmpty()) {
      idle = true;
      return;
    }
    readRound().onSuccess(v -> readLoop()).onFailure(this::readFailed);
  }

  /** The first stream of every due shard, then the next: priority jobs of any shard before normal ones. */
  private Future<Void> readRound() {
    int[] round = due.stream().toArray();
    long[] seen = new long[round.length];
    for (int i = 0; i < round.length; i++) {
      seen[i] = signals[round[i]];
    }
    Set<Integer> stillDue = new HashSet<>();
    Future<Void> reads = Future.succeededFuture();
    for (int level = 0; level < levels; level++) {
      int streamLevel = level;
      for (int shard : round) {
        reads = reads.compose(v -> readShard(streamLevel, shard, stillDue));
      }
    }
    return reads.map(v -> {
      for (int i = 0; i < round.length; i++) {
        if (!stillDue.contains(round[i]) && signals[round[i]] == seen[i]) {
          due.clear(round[i]);
        }
      }
      return null;
    });
  }

  private Future<Void> readShard(int level, int shard, Set<Integer> stillDue) {
    int count = Math.min(worker.room(), options.readBatch());
    if (count <= 0 || !running) {
      stillDue.add(shard);
      return Future.succeededFuture();
    }
    return queue.readNew(options.streams().apply(shards.tag(shard)).get(level), consumer, count)
        .map(entries -> {
          entries.forEach(entry -> worker.take(entry, false));
          if (entries.size() >= count) {
            stillDue.add(shard);
          }
          return null;
        });
  }

  /** Follows every entry Redis counts as this consumer's, stream by stream and a page at a time. */
  private void readOwnPending(int streamIndex, String afterId) {
    if (!running) {
      return;
    }
    if (streamIndex >= allStreams.size()) {
      ownPendingUnread = false;
      started.tryComplete();
      readLoop();
      return;
    }
    queue.readOwnPending(allStreams.get(streamIndex), consumer, afterId, options.readBatch())
        .onSuccess(entries -> {
          entries.forEach(entry -> worker.take(entry, false));
          if (entries.size() < options.readBatch()) {
            readOwnPending(streamIndex + 1, "0");
          } else {
            readOwnPending(streamIndex, entries.get(entries.size() - 1).entryId());
          }
        })
        .onFailure(this::readFailed);
  }

  private void readFailed(Throwable failure) {
    if (!running) {
      return;
    }
    started.tryComplete();
    // A read that timed out may still have been served: its entries are this consumer's now.
    ownPendingUnread = true;
    due.set(0, shards.count());
    if (StreamQueue.isNoGroup(failure)) {
      LOG.warn("{}: a job stream or its group is gone, creating it again", options.queue());
      ensureGroupsThenRead();
      return;
    }
    LOG.warn("{}: reading jobs failed ({}), retrying", options.queue(), failure.getMessage());
    vertx.setTimer(RETRY_MS, id -> readLoop());
  }

  /**
   * Every few seconds: keep this worker's entries from looking abandoned, claim the entries of workers that died,
   * the worker's own round (jobs lost with their stream), and now and then forget consumers of workers long gone.
   * One round at a time.
   */
  private void maintain() {
    if (maintaining || !running) {
      return;
    }
    maintaining = true;
    long claimIdleMs = options.claimIdleMs();
    Future<Void> round = heartbeat();
    for (String stream : allStreams) {
      round = round.compose(v -> claimAbandoned(stream, claimIdleMs));
    }
    round
        .compose(v -> worker.maintain(claimIdleMs))
        .compose(requeued -> {
          requeued.forEach(this::signal);
          return prune(claimIdleMs);
        })
        .onFailure(failure -> {
          if (StreamQueue.isNoGroup(failure)) {
            claimCursors.clear();
            queue.ensureGroups(allStreams);
          }
          LOG.warn("{}: maintenance round failed: {}", options.queue(), failure.getMessage());
        })
        .onComplete(done -> maintaining = false);
  }

  /** One XAUTOCLAIM step in {@code stream}; the cursor it answers is where the next round goes on there. */
  private Future<Void> claimAbandoned(String stream, long claimIdleMs) {
    if (!running) {
      return Future.succeededFuture();
    }
    return queue.claimAbandoned(stream, consumer, claimIdleMs, options.claimBatch(),
            claimCursors.getOrDefault(stream, StreamQueue.CLAIM_START))
        .map(round -> {
          claimCursors.put(stream, round.nextCursor());
          round.entries().forEach(entry -> worker.take(entry, true));
          return null;
        });
  }

  private Future<Void> heartbeat() {
    List<Future<Void>> beats = new ArrayList<>();
    worker.entriesByStream().forEach((stream, mine) -> {
      for (int from = 0; from < mine.size(); from += 500) {
        beats.add(queue.heartbeat(stream, consumer, mine.subList(from, Math.min(mine.size(), from + 500))));
      }
    });
    return Future.all(beats).mapEmpty();
  }

  private Future<Void> prune(long claimIdleMs) {
    long now = System.currentTimeMillis();
    if (now - lastPrune < Math.min(PRUNE_EVERY_MS, claimIdleMs)) {
      return Future.succeededFuture();
    }
    lastPrune = now;
    Future<Integer> removed = Future.succeededFuture(0);
    for (String stream : allStreams) {
      removed = removed.compose(sum -> queue.pruneConsumers(stream, consumer, claimIdleMs).map(n -> sum + n));
    }
    return removed.map(count -> {
      if (count > 0) {
        LOG.info("{}: removed {} consumer(s) of workers gone for {} s", options.queue(), count, claimIdleMs / 1000);
      }
      return null;
    });
  }
}
