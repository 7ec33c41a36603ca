package genpay.generation;

import genpay.config.Settings;
import genpay.media.MediaWiring;
import genpay.sessions.StageTimers;
import genpay.redis.RedisClients;
import genpay.sessions.RedisKeys;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.redis.client.Redis;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One consumer per node of the generation group of both job streams: reads new jobs while it has room, priority
 * jobs first, follows them to the end, keeps its own jobs from looking abandoned, and claims the jobs of workers
 * that died.
 */
public final class GenerationWorkerVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(GenerationWorkerVerticle.class);
  private static final long READ_BLOCK_MS = 1_000;
  private static final int READ_BATCH = 100;
  private static final int CLAIM_BATCH = 100;
  private static final int HEARTBEAT_BATCH = 500;
  private static final int RECOVER_BATCH = 200;
  private static final long RETRY_MS = 1_000;
  /** A copy into the object store that fails this many times fails its file (and so refunds it). */
  static final int COPY_TRIES = 6;

  private final Settings settings;
  private final MeterRegistry registry;
  private Redis redis;
  private ProviderClient provider;
  private JobQueue queue;
  private JobFollower follower;
  private MediaWiring media;
  private String consumer;
  private volatile boolean running;
  /** Set when a read failed or came late: Redis may have handed this consumer entries it never saw. */
  private boolean ownPendingUnread = true;
  /** Per stream, where the next XAUTOCLAIM step goes on, so a pass reaches past live entries. */
  private final Map<String, String> claimCursors = new HashMap<>();
  private boolean maintaining;

  private final StageTimers stages;

  public GenerationWorkerVerticle(Settings settings, MeterRegistry registry, StageTimers stages) {
    this.settings = settings;
    this.registry = registry;
    this.stages = stages;
  }

  @Override
  public Future<?> start() {
    redis = RedisClients.create(vertx, settings, "generation");
    queue = new JobQueue(redis, settings.redisTimeoutMs());
    provider = new ProviderClient(vertx, settings.effectiveProviderUrl(), settings.effectiveProviderToken(),
        settings.providerRequestTimeoutMs(), 6, new Backoff(500, 15_000), registry, settings.selfTrust());
    media = MediaWiring.create(vertx, settings, redis, registry);
    follower = new JobFollower(vertx, provider, queue, new JobFlow.Schedule(
        settings.generationTimeoutSeconds() * 1000L, settings.followFirstDelayMs(), settings.followMaxDelayMs(),
        new Backoff(1_000, 30_000), COPY_TRIES, new Backoff(1_000, 30_000)), registry, stages, media.copier());
    consumer = "worker-" + ManagementFactory.getRuntimeMXBean().getName() + "-" + UUID.randomUUID().toString().substring(0, 8);
    Gauge.builder("genpay.generation.in_flight", follower, JobFollower::inFlight)
        .description("Jobs this node follows now").register(registry);
    running = true;
    long claimIdleMs = settings.workerClaimIdleSeconds() * 1000L;
    vertx.setPeriodic(Math.max(250, claimIdleMs / 3), id -> maintain(claimIdleMs));
    ensureGroupThenRead();
    LOG.info("generation: worker {} reading {} (claims jobs idle for {} s)", consumer, RedisKeys.JOB_STREAMS,
        settings.workerClaimIdleSeconds());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    running = false;
    follower.stop();
    provider.close();
    media.close();
    redis.close();
    return Future.succeededFuture();
  }

  /** Start-up does not wait for Redis: the worker keeps trying and starts reading as soon as it can. */
  private void ensureGroupThenRead() {
    if (!running) {
      return;
    }
    queue.ensureGroup()
        .onSuccess(v -> readLoop())
        .onFailure(failure -> {
          LOG.warn("generation: queue not ready ({}), retrying", failure.getMessage());
          vertx.setTimer(RETRY_MS, id -> ensureGroupThenRead());
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
    int room = settings.workerMaxInFlight() - follower.inFlight();
    if (room <= 0) {
      vertx.setTimer(100, id -> readLoop());
      return;
    }
    queue.read(consumer, Math.min(room, READ_BATCH), READ_BLOCK_MS)
        .onSuccess(jobs -> {
          jobs.forEach(follower::follow);
          readLoop();
        })
        .onFailure(this::readFailed);
  }

  /**
   * Follows every entry Redis counts as this consumer's, stream by stream ({@code streamIndex} in
   * {@link RedisKeys#JOB_STREAMS}) and a page at a time, then goes back to new ones.
   */
  private void readOwnPending(int streamIndex, String afterId) {
    if (streamIndex >= RedisKeys.JOB_STREAMS.size()) {
      ownPendingUnread = false;
      readLoop();
      return;
    }
    queue.readOwnPending(RedisKeys.JOB_STREAMS.get(streamIndex), consumer, afterId, READ_BATCH)
        .onSuccess(jobs -> {
          jobs.forEach(follower::follow);
          if (jobs.size() < READ_BATCH) {
            readOwnPending(streamIndex + 1, "0");
          } else {
            readOwnPending(streamIndex, jobs.get(jobs.size() - 1).entryId());
          }
        })
        .onFailure(this::readFailed);
  }

  private void readFailed(Throwable failure) {
    if (!running) {
      return;
    }
    // A read that timed out may still have been served: its entries are this consumer's now.
    ownPendingUnread = true;
    if (JobQueue.isNoGroup(failure)) {
      LOG.warn("generation: the job stream or its group is gone, creating it again");
      ensureGroupThenRead();
      return;
    }
    LOG.warn("generation: reading jobs failed ({}), retrying", failure.getMessage());
    vertx.setTimer(RETRY_MS, id -> readLoop());
  }

  /**
   * Every few seconds: keep this worker's jobs from looking abandoned, claim the jobs of workers that died,
   * queue again jobs lost with their stream, and forget consumers of workers long gone. One round at a time.
   */
  private void maintain(long claimIdleMs) {
    if (maintaining || !running) {
      return;
    }
    maintaining = true;
    Future<Void> claimed = heartbeat();
    for (String stream : RedisKeys.JOB_STREAMS) {
      claimed = claimed.compose(v -> claimAbandoned(stream, claimIdleMs));
    }
    claimed
        .compose(v -> queue.recoverLost(System.currentTimeMillis(), claimIdleMs, RECOVER_BATCH))
        .compose(requeued -> {
          if (!requeued.isEmpty()) {
            LOG.warn("generation: {} job(s) were missing from the stream and are queued again", requeued.size());
          }
          return queue.pruneConsumers(consumer, claimIdleMs);
        })
        .onSuccess(removed -> {
          if (removed > 0) {
            LOG.info("generation: removed {} consumer(s) of workers gone for {} s", removed, claimIdleMs / 1000);
          }
        })
        .onFailure(failure -> {
          if (JobQueue.isNoGroup(failure)) {
            claimCursors.clear();
            queue.ensureGroup();
          }
          LOG.warn("generation: maintenance round failed: {}", failure.getMessage());
        })
        .onComplete(done -> maintaining = false);
  }

  /** One XAUTOCLAIM step in {@code stream}; the cursor it answers is where the next round goes on there. */
  private Future<Void> claimAbandoned(String stream, long claimIdleMs) {
    return queue.claimAbandoned(stream, consumer, claimIdleMs, CLAIM_BATCH,
            claimCursors.getOrDefault(stream, JobQueue.CLAIM_START))
        .map(round -> {
          claimCursors.put(stream, round.nextCursor());
          for (Job job : round.jobs()) {
            if (job.fileId() != null && !follower.followsFile(job.fileId())) {
              LOG.info("session {}: job {} of {} claimed from a worker that stopped answering", job.sessionId(),
                  job.entryId(), stream);
            }
            follower.follow(job);
          }
          return null;
        });
  }

  private Future<Void> heartbeat() {
    List<Future<Void>> beats = new ArrayList<>();
    JobQueue.byStream(follower.entries()).forEach((stream, mine) -> {
      for (int from = 0; from < mine.size(); from += HEARTBEAT_BATCH) {
        beats.add(queue.heartbeat(stream, consumer, mine.subList(from, Math.min(mine.size(), from + HEARTBEAT_BATCH))));
      }
    });
    return Future.all(beats).mapEmpty();
  }
}
