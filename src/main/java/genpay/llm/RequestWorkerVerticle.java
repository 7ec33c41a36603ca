package genpay.llm;

import genpay.config.Addresses;
import genpay.config.Settings;
import genpay.generation.Backoff;
import genpay.redis.RedisClients;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * One consumer per node of the {@code workers} group of {@code jobs:requests}: takes requests while it has room,
 * keeps the ones it works on from looking abandoned, and claims those of workers that died. The work itself is
 * {@link RequestRun}'s.
 */
public final class RequestWorkerVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(RequestWorkerVerticle.class);
  /** Requests one node works on at once; each reads up to pageConcurrency pages at a time. */
  static final int MAX_REQUESTS = 4;
  private static final long READ_BLOCK_MS = 1_000;
  private static final long RETRY_MS = 1_000;
  private static final long LLM_TIMEOUT_MS = 60_000;
  private static final int CLAIM_BATCH = 10;

  private final Settings settings;
  private final Function<Vertx, PageSource> pageSource;
  private Redis redis;
  private RequestQueue queue;
  private RequestRun runner;
  private PageSource pages;
  private final Map<String, LlmClient> clients = new HashMap<>();
  private String consumer;
  private volatile boolean running;
  private boolean ownPendingUnread = true;
  private boolean maintaining;
  private String claimCursor = RequestQueue.CLAIM_START;
  /** entry id → request id of what this worker works on now. */
  private final Map<String, String> inFlight = new HashMap<>();
  private final Set<String> requestsInFlight = new HashSet<>();

  /** {@code pageSource} makes the page reader: the SSRF-guarded fetcher in the engine. */
  public RequestWorkerVerticle(Settings settings, Function<Vertx, PageSource> pageSource) {
    this.settings = settings;
    this.pageSource = pageSource;
  }

  @Override
  public Future<?> start() {
    redis = RedisClients.create(vertx, settings, "requests");
    queue = new RequestQueue(redis, settings.redisTimeoutMs());
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
    runner = new RequestRun(vertx, new RequestStore(redis, settings.redisTimeoutMs()), pages, clients,
        providers.pageConcurrency(), new Backoff(200, 5_000),
        snapshot -> vertx.eventBus().publish(Addresses.REQUESTS_CHANGED, snapshot), () -> running);
    consumer = "requests-" + ManagementFactory.getRuntimeMXBean().getName() + "-" + UUID.randomUUID().toString().substring(0, 8);
    running = true;
    long claimIdleMs = settings.workerClaimIdleSeconds() * 1000L;
    vertx.setPeriodic(Math.max(250, claimIdleMs / 3), id -> maintain(claimIdleMs));
    ensureGroupThenRead();
    LOG.info("requests: worker {} reading {} ({} pages at once per request, claims requests idle for {} s)", consumer,
        RequestQueue.STREAM, providers.pageConcurrency(), settings.workerClaimIdleSeconds());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    running = false;
    clients.values().forEach(LlmClient::close);
    pages.close();
    redis.close();
    return Future.succeededFuture();
  }

  private void ensureGroupThenRead() {
    if (!running) {
      return;
    }
    queue.ensureGroup()
        .onSuccess(v -> readLoop())
        .onFailure(failure -> {
          LOG.warn("requests: queue not ready ({}), retrying", failure.getMessage());
          vertx.setTimer(RETRY_MS, id -> ensureGroupThenRead());
        });
  }

  private void readLoop() {
    if (!running) {
      return;
    }
    if (ownPendingUnread) {
      readOwnPending("0");
      return;
    }
    int room = MAX_REQUESTS - inFlight.size();
    if (room <= 0) {
      vertx.setTimer(100, id -> readLoop());
      return;
    }
    queue.read(consumer, room, READ_BLOCK_MS)
        .onSuccess(jobs -> {
          jobs.forEach(this::take);
          readLoop();
        })
        .onFailure(this::readFailed);
  }

  /** What Redis counts as this consumer's already (a read answered too late): worked on before new ones. */
  private void readOwnPending(String afterId) {
    queue.readOwnPending(consumer, afterId, MAX_REQUESTS)
        .onSuccess(jobs -> {
          jobs.forEach(this::take);
          if (jobs.size() < MAX_REQUESTS) {
            ownPendingUnread = false;
            readLoop();
          } else {
            readOwnPending(jobs.get(jobs.size() - 1).entryId());
          }
        })
        .onFailure(this::readFailed);
  }

  private void readFailed(Throwable failure) {
    if (!running) {
      return;
    }
    ownPendingUnread = true;
    if (RequestQueue.isNoGroup(failure)) {
      LOG.warn("requests: the request stream or its group is gone, creating it again");
      ensureGroupThenRead();
      return;
    }
    LOG.warn("requests: reading requests failed ({}), retrying", failure.getMessage());
    vertx.setTimer(RETRY_MS, id -> readLoop());
  }

  private void take(RequestQueue.Job job) {
    if (inFlight.containsKey(job.entryId())) {
      return;
    }
    if (job.requestId() == null || requestsInFlight.contains(job.requestId())) {
      // Deleted while pending, or a second entry of a request this node already works on.
      queue.ack(job.entryId());
      return;
    }
    inFlight.put(job.entryId(), job.requestId());
    requestsInFlight.add(job.requestId());
    runner.run(job.requestId())
        .compose(v -> queue.ack(job.entryId()))
        .onFailure(failure -> {
          if (running) {
            LOG.warn("request {}: left in the queue for a retry ({})", job.requestId(), failure.getMessage());
          }
        })
        .onComplete(done -> {
          inFlight.remove(job.entryId());
          requestsInFlight.remove(job.requestId());
        });
  }

  /** Keeps this worker's requests from looking abandoned, claims those of dead workers, forgets long-gone ones. */
  private void maintain(long claimIdleMs) {
    if (maintaining || !running) {
      return;
    }
    maintaining = true;
    queue.heartbeat(consumer, List.copyOf(inFlight.keySet()))
        .compose(v -> queue.claimAbandoned(consumer, claimIdleMs, CLAIM_BATCH, claimCursor))
        .compose(round -> {
          claimCursor = round.nextCursor();
          for (RequestQueue.Job job : round.jobs()) {
            if (running && !inFlight.containsKey(job.entryId())) {
              LOG.info("request {}: claimed from a worker that stopped answering", job.requestId());
              take(job);
            }
          }
          return queue.pruneConsumers(consumer, claimIdleMs);
        })
        .onFailure(failure -> {
          if (RequestQueue.isNoGroup(failure)) {
            claimCursor = RequestQueue.CLAIM_START;
            queue.ensureGroup();
          }
          LOG.warn("requests: maintenance round failed: {}", failure.getMessage());
        })
        .onComplete(done -> maintaining = false);
  }
}
