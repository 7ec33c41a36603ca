package genpay;

import genpay.config.Settings;
import genpay.media.EmbeddedStorage;
import genpay.metrics.Metrics;
import genpay.redis.EmbeddedRedis;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import genpay.config.ClusterConfig;
import genpay.config.ClusterStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * One running engine: Redis (embedded when REDIS_URL is unset), Vert.x with its metrics, and the verticles.
 * Start and close block the calling thread; they are for main() and tests, never for an event loop.
 */
public final class Engine implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Engine.class);
  private static final long START_TIMEOUT_SECONDS = 60;

  private final Vertx vertx;
  private final Settings settings;
  private final EmbeddedRedis embeddedRedis;
  private final EmbeddedStorage embeddedStorage;
  private final PrometheusMeterRegistry registry;

  private Engine(Vertx vertx, Settings settings, EmbeddedRedis embeddedRedis, EmbeddedStorage embeddedStorage,
                 PrometheusMeterRegistry registry) {
    this.vertx = vertx;
    this.settings = settings;
    this.embeddedRedis = embeddedRedis;
    this.embeddedStorage = embeddedStorage;
    this.registry = registry;
  }

  public static Engine start(Settings configured) throws Exception {
    EmbeddedRedis embedded = configured.embeddedRedis()
        ? EmbeddedRedis.start(Path.of(configured.dataDir()), configured.embeddedRedisPort(),
            configured.redisAppendFsync())
        : null;
    Settings settings = embedded == null ? configured : configured.withRedisUrl(embedded.url());
    EmbeddedStorage storage;
    try {
      storage = settings.storage().embedded()
          ? EmbeddedStorage.start(Path.of(settings.dataDir(), "media"), 0) : null;
    } catch (RuntimeException e) {
      if (embedded != null) {
        embedded.stop();
      }
      throw e;
    }
    if (storage != null) {
      settings = settings.withStorage(storage.settings(settings.storage()));
      if (settings.cluster()) {
        LOG.warn("storage: CLUSTER=true with the embedded store: each node keeps its own media; set STORAGE_ENDPOINT "
            + "to one store all nodes share");
      }
    }
    PrometheusMeterRegistry registry = Metrics.newRegistry();
    VertxOptions options = new VertxOptions().setMetricsOptions(Metrics.vertxOptions());
    var builder = Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory(registry));
    HazelcastClusterManager clusterManager = null;
    Vertx vertx;
    if (settings.cluster()) {
      String host = settings.clusterHost().isEmpty() ? "127.0.0.1" : settings.clusterHost();
      options.getEventBusOptions().setHost(host);
      clusterManager = new HazelcastClusterManager(ClusterConfig.load(settings.clusterConfig(), settings.clusterHost()));
      vertx = builder.with(options).withClusterManager(clusterManager).buildClustered()
          .toCompletionStage().toCompletableFuture().get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      LOG.info("cluster: joined as {} ({} member(s)), event bus on {}", clusterManager.getNodeId(),
          clusterManager.getNodes().size(), host);
    } else {
      vertx = builder.build();
    }
    Engine engine = new Engine(vertx, settings, embedded, storage, registry);
    ClusterStatus cluster = clusterManager == null ? ClusterStatus.SINGLE_NODE : ClusterStatus.of(clusterManager);
    try {
      vertx.deployVerticle(new MainVerticle(settings, registry, cluster))
          .toCompletionStage().toCompletableFuture().get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      engine.close();
      throw e;
    }
    if (settings.stripeSandbox()) {
      LOG.warn("stripe: SANDBOX: no STRIPE_SECRET_KEY, payments go to the built-in Stripe sandbox, no money moves");
    }
    if (settings.providerSandbox()) {
      LOG.warn("provider: SANDBOX: no GENERATION_API_URL, videos come from the built-in provider sandbox");
    }
    if (settings.mailSandbox()) {
      LOG.warn("mail: SANDBOX: no MAIL_URL, e-mail goes to the built-in mailbox at {}/sandbox/mail, nothing is sent",
          settings.appUrl());
    }
    if (settings.mixedSandbox()) {
      LOG.warn(settings.stripeSandbox()
          ? "MIXED (ALLOW_MIXED_SANDBOX=true): only Stripe is a sandbox: anyone who pays on its page gets real generations"
          : "MIXED (ALLOW_MIXED_SANDBOX=true): only the provider is a sandbox: real payments buy its sample clips");
    }
    LOG.info("genpay ready: open {}/", settings.appUrl());
    return engine;
  }

  public Vertx vertx() {
    return vertx;
  }

  public Settings settings() {
    return settings;
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** The embedded Redis, or null when REDIS_URL names an external one. */
  public EmbeddedRedis embeddedRedis() {
    return embeddedRedis;
  }

  /** Stops taking requests, undeploys every verticle, then stops the embedded Redis (which flushes its AOF). */
  @Override
  public void close() {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("vert.x did not close cleanly: {}", e.toString());
    }
    if (embeddedStorage != null) {
      embeddedStorage.stop();
    }
    if (embeddedRedis != null) {
      embeddedRedis.stop();
    }
    LOG.info("genpay stopped");
  }
}
