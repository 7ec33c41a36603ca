package genpay.web;

import genpay.accounts.AccountRoutes;
import genpay.config.ClusterStatus;
import genpay.config.Settings;
import genpay.generation.ProviderSandbox;
import genpay.llm.LlmSandbox;
import genpay.mail.SandboxMailbox;
import genpay.push.PushMetrics;
import genpay.push.StreamHub;
import genpay.redis.RedisClients;
import genpay.stripe.StripeSandbox;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.redis.client.Redis;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** One instance per event loop; all of them share the port. Owns the HTTP server and its router. */
public final class HttpVerticle extends VerticleBase {

  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final Settings settings;
  private final PrometheusMeterRegistry registry;
  private Redis sandboxRedis;
  private Redis rateLimitRedis;
  private Redis accountsRedis;
  private HttpServer server;

  private final PushMetrics pushMetrics;

  private final ClusterStatus cluster;

  public HttpVerticle(Settings settings, PrometheusMeterRegistry registry, PushMetrics pushMetrics,
                      ClusterStatus cluster) {
    this.settings = settings;
    this.registry = registry;
    this.pushMetrics = pushMetrics;
    this.cluster = cluster;
  }

  @Override
  public Future<?> start() {
    int instance = INSTANCES.incrementAndGet();
    StripeSandbox stripeSandbox = null;
    ProviderSandbox providerSandbox = null;
    if (settings.stripeSandbox() || settings.providerSandbox() || settings.mailSandbox() || settings.geminiSandbox()
        || settings.ollamaSandbox()) {
      sandboxRedis = RedisClients.create(vertx, settings, "sandboxes-" + instance);
    }
    CheckoutRateLimiter checkoutRateLimiter = checkoutRateLimiter(instance);
    if (settings.stripeSandbox()) {
      stripeSandbox = new StripeSandbox(sandboxRedis, settings, Clock.systemUTC());
    }
    if (settings.providerSandbox()) {
      providerSandbox = new ProviderSandbox(sandboxRedis, settings);
    }
    LlmSandbox llmSandbox = settings.geminiSandbox() || settings.ollamaSandbox()
        ? new LlmSandbox(sandboxRedis, settings) : null;
    SandboxMailbox mailbox = settings.mailSandbox()
        ? new SandboxMailbox(sandboxRedis, Clock.systemUTC(), settings.redisTimeoutMs()) : null;
    accountsRedis = RedisClients.create(vertx, settings, "accounts-" + instance);
    AccountRoutes accounts = new AccountRoutes(settings, vertx.eventBus(), accountsRedis, Clock.systemUTC());
    StripeSandbox stripe = stripeSandbox;
    ProviderSandbox provider = providerSandbox;
    server = vertx.createHttpServer(serverOptions(settings));
    return Future.all(StreamHub.start(vertx, pushMetrics), Pages.load(vertx, settings))
        .compose(loaded -> server.requestHandler(ApiRouter.create(vertx, settings, registry, stripe, provider,
            loaded.resultAt(0), loaded.resultAt(1), cluster, checkoutRateLimiter, mailbox, accounts, llmSandbox)).listen());
  }

  /**
   * Plain HTTP serves HTTP/1.1 and h2c (prior knowledge and upgrade). With TLS_CERT_FILE, HTTPS offers h2 first
   * by ALPN: browsers speak HTTP/2 only over TLS, and only HTTP/2 lets one browser hold more than six streams.
   */
  static HttpServerOptions serverOptions(Settings settings) {
    HttpServerOptions options = new HttpServerOptions().setPort(settings.port()).setTcpNoDelay(true)
        .setHttp2ClearTextEnabled(true);
    if (settings.https()) {
      options.setSsl(true).setUseAlpn(true).setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1))
          .setKeyCertOptions(settings.tls().keyCert());
    }
    return options;
  }

  private CheckoutRateLimiter checkoutRateLimiter(int instance) {
    if (settings.checkoutRatePerMinute() == 0) {
      return CheckoutRateLimiter.unlimited();
    }
    rateLimitRedis = RedisClients.create(vertx, settings, "ratelimit-" + instance);
    return CheckoutRateLimiter.perMinute(rateLimitRedis, settings.checkoutRatePerMinute(), Clock.systemUTC());
  }

  @Override
  public Future<?> stop() {
    if (sandboxRedis != null) {
      sandboxRedis.close();
    }
    if (rateLimitRedis != null) {
      rateLimitRedis.close();
    }
    if (accountsRedis != null) {
      accountsRedis.close();
    }
    return Future.succeededFuture();
  }
}
