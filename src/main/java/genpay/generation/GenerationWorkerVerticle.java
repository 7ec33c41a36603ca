package genpay.generation;

import genpay.config.Settings;
import genpay.media.MediaWiring;
import genpay.redis.JobsQueued;
import genpay.redis.RedisClients;
import genpay.redis.StreamConsumer;
import genpay.redis.StreamDelivery;
import genpay.sessions.RedisKeys;
import genpay.sessions.StageTimers;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.redis.client.Redis;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One consumer per node of the generation group of every shard's job streams ({@link StreamConsumer}): reads new
 * jobs while it has room, priority jobs first, follows them to the end, keeps its own jobs from looking abandoned,
 * claims the jobs of workers that died, and queues again jobs lost with their stream.
 */
public final class GenerationWorkerVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(GenerationWorkerVerticle.class);
  private static final int READ_BATCH = 100;
  private static final int CLAIM_BATCH = 100;
  private static final int RECOVER_BATCH = 200;
  /** How often every shard is read without a signal: a signal lost with a node that died, or never sent. */
  private static final long FALLBACK_MS = 2_000;
  /** A copy into the object store that fails this many times fails its file (and so refunds it). */
  static final int COPY_TRIES = 6;

  private final Settings settings;
  private final MeterRegistry registry;
  private final StageTimers stages;
  private Redis redis;
  private ProviderClient provider;
  private JobQueue queue;
  private JobFollower follower;
  private StreamConsumer reader;
  private MediaWiring media;

  public GenerationWorkerVerticle(Settings settings, MeterRegistry registry, StageTimers stages) {
    this.settings = settings;
    this.registry = registry;
    this.stages = stages;
  }

  @Override
  public Future<?> start() {
    redis = RedisClients.create(vertx, settings, "generation");
    queue = new JobQueue(redis, settings.shards(), settings.redisTimeoutMs());
    media = MediaWiring.create(vertx, settings, redis, registry);
    provider = new ProviderClient(vertx, settings.effectiveProviderUrl(), settings.effectiveProviderToken(),
        settings.providerRequestTimeoutMs(), 6, new Backoff(500, 15_000), registry, settings.selfTrust());
    follower = new JobFollower(vertx, provider, queue, new JobFlow.Schedule(
        settings.generationTimeoutSeconds() * 1000L, settings.followFirstDelayMs(), settings.followMaxDelayMs(),
        new Backoff(1_000, 30_000), COPY_TRIES, new Backoff(1_000, 30_000)), registry, stages, media.copier());
    String consumer = "worker-" + ManagementFactory.getRuntimeMXBean().getName() + "-"
        + UUID.randomUUID().toString().substring(0, 8);
    Gauge.builder("genpay.generation.in_flight", follower, JobFollower::inFlight)
        .description("Jobs this node follows now").register(registry);
    // At zero from the start, so the first failures are a rise Prometheus can see.
    List.of("completed", "failed", "timeout").forEach(outcome -> registry.counter("genpay.generations", "outcome",
        outcome));
    long claimIdleMs = settings.workerClaimIdleSeconds() * 1000L;
    reader = new StreamConsumer(vertx, queue.streams(), settings.shards(), new StreamConsumer.Options(
        JobsQueued.GENERATION, RedisKeys::jobStreams, READ_BATCH, CLAIM_BATCH, claimIdleMs, FALLBACK_MS),
        consumer, new Worker());
    LOG.info("generation: worker {} reading the generation streams of {} shards (claims jobs idle for {} s)",
        consumer, settings.shards().count(), settings.workerClaimIdleSeconds());
    return reader.start();
  }

  @Override
  public Future<?> stop() {
    follower.stop();
    return reader.stop().eventually(() -> {
      provider.close();
      media.close();
      return redis.close();
    });
  }

  private final class Worker implements StreamConsumer.Worker {

    @Override
    public int room() {
      return settings.workerMaxInFlight() - follower.inFlight();
    }

    @Override
    public void take(StreamDelivery entry, boolean claimed) {
      Job job = JobQueue.job(entry);
      if (claimed && job.fileId() != null && !follower.followsFile(job.fileId())) {
        LOG.info("session {}: job {} of {} claimed from a worker that stopped answering", job.sessionId(),
            job.entryId(), job.stream());
      }
      follower.follow(job);
    }

    @Override
    public Map<String, List<String>> entriesByStream() {
      return JobQueue.byStream(follower.entries());
    }

    @Override
    public Future<List<Integer>> maintain(long claimIdleMs) {
      return queue.recoverLost(System.currentTimeMillis(), claimIdleMs, RECOVER_BATCH).map(requeued -> {
        if (!requeued.isEmpty()) {
          LOG.warn("generation: {} job(s) were missing from their stream and are queued again",
              requeued.values().stream().mapToInt(List::size).sum());
        }
        return List.copyOf(requeued.keySet());
      });
    }
  }
}
