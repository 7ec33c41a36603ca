package genpay.generation;

import genpay.config.Settings;
import genpay.sessions.StageTimers;
import genpay.redis.RedisClients;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.redis.client.Redis;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * One consumer per node of the jobs:generation group: reads new jobs while it has room, follows them to the
 * end, keeps its own jobs from looking abandoned, and claims the jobs of workers that died.
 */
public final class GenerationWorkerVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(GenerationWorkerVerticle.class);
  private static final long READ_BLOCK_MS = 1_000;
  private static final int READ_BATCH = 100;
  private static final int CLAIM_BATCH = 100;
  private static final int HEARTBEAT_BATCH = 500;

  private final Settings settings;
  private final MeterRegistry registry;
  private Redis redis;
  private ProviderClient provider;
  private JobQueue queue;
  private JobFollower follower;
  private String consumer;
  private volatile boolean running;

  private final StageTimers stages;

  public GenerationWorkerVerticle(Settings settings, MeterRegistry registry, StageTimers stages) {
    this.settings = settings;
    this.registry = registry;
    this.stages = stages;
  }

  @Override
  public Future<?> start() {
    redis = RedisClients.create(vertx, settings.redisUrl(), "generation");
    queue = new JobQueue(redis);
    provider = new ProviderClient(vertx, settings.effectiveProviderUrl(), settings.effectiveProviderToken(),
        settings.providerRequestTimeoutMs(), 6, new Backoff(500, 15_000), registry);
    follower = new JobFollower(vertx, provider, queue, new JobFollower.Schedule(
        settings.generationTimeoutSeconds() * 1000L, settings.followFirstDelayMs(), settings.followMaxDelayMs(),
        new Backoff(1_000, 30_000)), registry, stages);
    consumer = "worker-" + ManagementFactory.getRuntimeMXBean().getName() + "-" + UUID.randomUUID().toString().substring(0, 8);
    Gauge.builder("genpay.generation.in_flight", follower, JobFollower::inFlight)
        .description("Jobs this node follows now").register(registry);
    running = true;
    long claimIdleMs = settings.workerClaimIdleSeconds() * 1000L;
    vertx.setPeriodic(Math.max(250, claimIdleMs / 3), id -> keepAliveAndClaim(claimIdleMs));
    return ensureGroupThenRead().map(v -> {
      LOG.info("generation: worker {} reading {} (claims jobs idle for {} s)", consumer, "jobs:generation",
          settings.workerClaimIdleSeconds());
      return v;
    });
  }

  @Override
  public Future<?> stop() {
    running = false;
    follower.stop();
    provider.close();
    redis.close();
    return Future.succeededFuture();
  }

  /** Start-up does not wait for Redis: the worker keeps trying and starts reading as soon as it can. */
  private Future<Void> ensureGroupThenRead() {
    queue.ensureGroup()
        .onSuccess(v -> readLoop())
        .onFailure(failure -> {
          LOG.warn("generation: queue not ready ({}), retrying", failure.getMessage());
          vertx.setTimer(1_000, id -> ensureGroupThenRead());
        });
    return Future.succeededFuture();
  }

  private void readLoop() {
    if (!running) {
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
        .onFailure(failure -> {
          if (running) {
            LOG.warn("generation: reading jobs failed ({}), retrying", failure.getMessage());
            vertx.setTimer(1_000, id -> readLoop());
          }
        });
  }

  private void keepAliveAndClaim(long claimIdleMs) {
    List<String> mine = new ArrayList<>(follower.jobs().keySet());
    List<Future<Void>> beats = new ArrayList<>();
    for (int from = 0; from < mine.size(); from += HEARTBEAT_BATCH) {
      beats.add(queue.heartbeat(consumer, mine.subList(from, Math.min(mine.size(), from + HEARTBEAT_BATCH))));
    }
    Future.all(beats)
        .compose(v -> queue.claimAbandoned(consumer, claimIdleMs, CLAIM_BATCH))
        .onSuccess(claimed -> {
          for (Job job : claimed) {
            if (!follower.jobs().containsKey(job.entryId())) {
              LOG.info("session {}: job {} claimed from a worker that stopped answering", job.sessionId(),
                  job.entryId());
            }
            follower.follow(job);
          }
        })
        .onFailure(failure -> LOG.warn("generation: claim round failed: {}", failure.getMessage()));
  }
}
