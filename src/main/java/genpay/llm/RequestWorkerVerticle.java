package genpay.llm;

import genpay.config.Addresses;
import genpay.config.Settings;
import genpay.generation.Backoff;
import genpay.redis.JobsQueued;
import genpay.redis.RedisClients;
import genpay.redis.StreamConsumer;
import genpay.redis.StreamDelivery;
import genpay.redis.StreamQueue;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * One consumer per node of the {@code workers} group of every shard's {@code jobs:{sN}:requests}
 * (genpay.redis.StreamConsumer, the loop the generation worker uses too): takes requests while it has room, keeps
 * the ones it works on from looking abandoned, and claims those of workers that died. The work itself is
 * {@link RequestRun}'s.
 */
public final class RequestWorkerVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(RequestWorkerVerticle.class);
  /** Requests one node works on at once; each reads up to pageConcurrency pages at a time. */
  static final int MAX_REQUESTS = 4;
  private static final long LLM_TIMEOUT_MS = 60_000;
  private static final int CLAIM_BATCH = 10;
  /** How often every shard is read without a signal (see StreamConsumer). */
  private static final long FALLBACK_MS = 2_000;

  private final Settings settings;
  private final Function<Vertx, PageSource> pageSource;
  private Redis redis;
  private StreamQueue queue;
  private StreamConsumer reader;
  private RequestRun runner;
  private PageSource pages;
  private final Map<String, LlmClient> clients = new HashMap<>();
  private volatile boolean running;
  /** entry → request id of what this worker works on now. */
  private final Map<RequestQueue.Job, String> inFlight = new HashMap<>();
  private final Set<String> requestsInFlight = new HashSet<>();

  /** {@code pageSource} makes the page reader: the SSRF-guarded fetcher in the engine. */
  public RequestWorkerVerticle(Settings settings, Function<Vertx, PageSource> pageSource) {
    this.settings = settings;
    this.pageSource = pageSource;
  }

  @Override
  public Future<?> start() {
    redis = RedisClients.create(vertx, settings, "requests");
    queue = RequestQueue.streams(redis, settings.redisTimeoutMs());
    pages = pageSource.apply(vertx);
    ProvidersConfig providers = settings.providers();
    ProvidersConfig.Provider gemini = providers.provider(ProvidersConfig.GEMINI);
    if (gemini != null) {
      clients.put(ProvidersConfig.GEMINI, new GeminiClient(vertx, settings.effectiveGeminiUrl(),
          settings.effectiveGeminiKey(), gemini.model(), LLM_TIMEOUT_MS, settings.selfTrust()));
    }
    ProvidersConfig.Provider ollama = providers.provider(ProvidersConfig.OLLAMA);
    if (ollama != null) {
      clients.put(ProvidersConfig.OLLAMA, new OllamaClient(vertx, settings.effectiveOllamaUrl(), ollama.model(),
          LLM_TIMEOUT_MS, settings.selfTrust()));
    }
    runner = new RequestRun(vertx, new RequestStore(redis, settings.shards(), settings.redisTimeoutMs()), pages,
        clients, providers.pageConcurrency(), new Backoff(200, 5_000),
        snapshot -> vertx.eventBus().publish(Addresses.REQUESTS_CHANGED, snapshot), () -> running);
    String consumer = "requests-" + ManagementFactory.getRuntimeMXBean().getName() + "-"
        + UUID.randomUUID().toString().substring(0, 8);
    running = true;
    reader = new StreamConsumer(vertx, queue, settings.shards(), new StreamConsumer.Options(JobsQueued.REQUESTS,
        RequestQueue::streamsOf, MAX_REQUESTS, CLAIM_BATCH, settings.workerClaimIdleSeconds() * 1000L, FALLBACK_MS),
        consumer, new Worker());
    LOG.info("requests: worker {} reading the request streams of {} shards ({} pages at once per request, claims "
        + "requests idle for {} s)", consumer, settings.shards().count(), providers.pageConcurrency(),
        settings.workerClaimIdleSeconds());
    return reader.start();
  }

  @Override
  public Future<?> stop() {
    running = false;
    clients.values().forEach(LlmClient::close);
    pages.close();
    return reader.stop().eventually(() -> redis.close());
  }

  private final class Worker implements StreamConsumer.Worker {

    @Override
    public int room() {
      return MAX_REQUESTS - inFlight.size();
    }

    @Override
    public void take(StreamDelivery entry, boolean claimed) {
      RequestQueue.Job job = RequestQueue.Job.of(entry);
      if (inFlight.containsKey(job)) {
        return;
      }
      if (job.requestId() == null || requestsInFlight.contains(job.requestId())) {
        // Deleted while pending, or a second entry of a request this node already works on.
        queue.ack(job.stream(), List.of(job.entryId()));
        return;
      }
      if (claimed) {
        LOG.info("request {}: claimed from a worker that stopped answering", job.requestId());
      }
      inFlight.put(job, job.requestId());
      requestsInFlight.add(job.requestId());
      runner.run(job.requestId())
          .compose(v -> queue.ack(job.stream(), List.of(job.entryId())))
          .onFailure(failure -> {
            if (running) {
              LOG.warn("request {}: left in the queue for a retry ({})", job.requestId(), failure.getMessage());
            }
          })
          .onComplete(done -> {
            inFlight.remove(job);
            requestsInFlight.remove(job.requestId());
            reader.wake();
          });
    }

    @Override
    public Map<String, List<String>> entriesByStream() {
      Map<String, List<String>> entries = new HashMap<>();
      inFlight.keySet().forEach(job -> entries.computeIfAbsent(job.stream(), s -> new ArrayList<>()).add(job.entryId()));
      return entries;
    }
  }
}
