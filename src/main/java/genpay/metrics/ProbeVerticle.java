package genpay.metrics;

import genpay.config.Settings;
import genpay.generation.JobQueue;
import genpay.redis.RedisClients;
import genpay.sessions.RedisKeys;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.function.Function;

/**
 * On every node, worker or not (the queue matters most when no worker reads it): every few seconds asks Redis
 * for a PING and the depth of each job stream, and sets {@link OperatorGauges}. A few reads per node per probe.
 */
public final class ProbeVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ProbeVerticle.class);
  static final long INTERVAL_MS = 5_000;
  /** Each queue the gauges name, and its stream in a shard (every shard's stream is read: a queue is all of them). */
  private static final Map<String, Function<String, String>> QUEUES = Map.of(
      "priority", RedisKeys::generationJobsPriority, "normal", RedisKeys::generationJobs);

  private final Settings settings;
  private final OperatorGauges gauges;
  private Redis redis;
  private JobQueue queue;
  private boolean probing;

  public ProbeVerticle(Settings settings, OperatorGauges gauges) {
    this.settings = settings;
    this.gauges = gauges;
  }

  @Override
  public Future<?> start() {
    redis = RedisClients.create(vertx, settings, "probe");
    queue = new JobQueue(redis, settings.shards(), settings.redisTimeoutMs());
    vertx.setPeriodic(1, INTERVAL_MS, id -> probe());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    redis.close();
    return Future.succeededFuture();
  }

  private void probe() {
    if (probing) {
      return;
    }
    probing = true;
    RedisClients.send(redis, Request.cmd(Command.PING), settings.redisTimeoutMs())
        .onSuccess(pong -> {
          if (gauges.redisAnswered(true)) {
            LOG.info("probe: Redis answers again");
          }
        })
        .onFailure(failure -> {
          if (gauges.redisAnswered(false)) {
            LOG.warn("probe: Redis did not answer a PING in {} ms: {}", settings.redisTimeoutMs(), failure.getMessage());
          }
        })
        .compose(pong -> Future.join(QUEUES.entrySet().stream().map(named -> queue.depth(named.getValue())
            .onSuccess(depth -> gauges.queue(named.getKey(), depth, System.currentTimeMillis()))).toList()))
        .onFailure(failure -> LOG.debug("probe: queue depth not read: {}", failure.getMessage()))
        .eventually(() -> {
          probing = false;
          return Future.succeededFuture();
        });
  }
}
