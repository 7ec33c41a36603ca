package genpay.metrics;

import genpay.generation.QueueDepth;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The gauges alerts need that no request path counts: whether Redis answers, and per job queue how many jobs
 * wait and for how long, and how many are taken and since when. Set by {@link ProbeVerticle}; read at scrape.
 */
public final class OperatorGauges {

  private final MeterRegistry registry;
  private volatile double redisUp = 1;
  private final Map<String, Queue> queues = new ConcurrentHashMap<>();

  private static final class Queue {
    volatile double waiting;
    volatile double waitingAge;
    volatile double taken;
    volatile double takenAge;
  }

  public OperatorGauges(MeterRegistry registry) {
    this.registry = registry;
    Gauge.builder("genpay.redis.up", this, gauges -> gauges.redisUp)
        .description("1 when this node's last Redis probe was answered in time, 0 when not").register(registry);
  }

  /** Answers whether this changes what the gauge said (for logging the moves only). */
  public boolean redisAnswered(boolean answered) {
    double was = redisUp;
    redisUp = answered ? 1 : 0;
    return was != redisUp;
  }

  /** The depth of the queue named {@code queue} (a tag: priority, normal) as read at {@code nowMillis}. */
  public void queue(String queue, QueueDepth depth, long nowMillis) {
    Queue gauges = queues.computeIfAbsent(queue, this::register);
    gauges.waiting = depth.waiting();
    gauges.waitingAge = depth.waitingAgeSeconds(nowMillis);
    gauges.taken = depth.taken();
    gauges.takenAge = depth.takenAgeSeconds(nowMillis);
  }

  private Queue register(String queue) {
    Queue gauges = new Queue();
    Gauge.builder("genpay.jobs.waiting", gauges, g -> g.waiting).tag("queue", queue)
        .description("Generation jobs queued that no worker has taken yet").register(registry);
    Gauge.builder("genpay.jobs.waiting.age", gauges, g -> g.waitingAge).tag("queue", queue).baseUnit("seconds")
        .description("How long the oldest job no worker has taken has waited: the queue's lag").register(registry);
    Gauge.builder("genpay.jobs.taken", gauges, g -> g.taken).tag("queue", queue)
        .description("Generation jobs a worker has taken and not yet finished").register(registry);
    Gauge.builder("genpay.jobs.taken.age", gauges, g -> g.takenAge).tag("queue", queue).baseUnit("seconds")
        .description("Since when the oldest unfinished taken job was queued").register(registry);
    return gauges;
  }
}
