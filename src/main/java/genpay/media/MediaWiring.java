package genpay.media;

import genpay.config.ServerTls;
import genpay.config.Settings;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.redis.client.Redis;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The copier of one worker with what it owns: the store's client, its worker pool and its HTTP client. */
public final class MediaWiring implements AutoCloseable {

  /** Threads for the store's and the provider's blocking calls. */
  public static final int COPY_THREADS = 8;
  /**
   * Copies under way at once on one node, each holding at most one part-sized buffer (16 x 8 MiB at most): twice
   * the threads, so the threads stay busy while copies wait on their Redis steps. Later copies wait their turn.
   */
  static final int CONCURRENT_COPIES = 2 * COPY_THREADS;
  /**
   * One store call not answered by then fails its step (the copy goes on later from the last part stored). The
   * provider's stream is cut when it sends nothing for PROVIDER_REQUEST_TIMEOUT_MS.
   */
  static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);

  private final MediaStore store;
  private final WorkerExecutor pool;
  private final MediaCopier copier;

  private MediaWiring(MediaStore store, WorkerExecutor pool, MediaCopier copier) {
    this.store = store;
    this.pool = pool;
    this.copier = copier;
  }

  public static MediaWiring create(Vertx vertx, Settings settings, Redis redis, MeterRegistry registry) {
    MediaStore store = new MediaStore(settings.storage(), CALL_TIMEOUT);
    WorkerExecutor pool = vertx.createSharedWorkerExecutor("genpay-media", COPY_THREADS,
        CALL_TIMEOUT.toMillis() * 20, TimeUnit.MILLISECONDS);
    MediaCopier copier = new MediaCopier(vertx, store, new MediaRecords(redis, settings.redisTimeoutMs(),
        TimeUnit.DAYS.toSeconds(settings.sessionTtlDays())), pool, CONCURRENT_COPIES,
        providerHttp(settings.tls()), settings.appUrl(), settings.storage().partSizeBytes(),
        TimeUnit.DAYS.toMillis(settings.sessionTtlDays()), settings.providerRequestTimeoutMs(), registry);
    return new MediaWiring(store, pool, copier);
  }

  /**
   * Follows redirects (providers serve media from CDNs); trusts the engine's own certificate ({@code tls}, null
   * when the engine serves plain HTTP) for its sandbox.
   * HTTP/1.1, a connection per copy: Java 17's client multiplexes every copy onto one HTTP/2 connection and fails
   * a request outright ("too many concurrent streams") once the server's stream limit is reached.
   */
  static HttpClient providerHttp(ServerTls tls) {
    HttpClient.Builder builder = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
        .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10));
    if (tls != null) {
      try {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {tls.trustManager()}, null);
        builder.sslContext(context);
      } catch (java.security.GeneralSecurityException e) {
        throw new IllegalStateException("TLS for media copies: " + e.getMessage(), e);
      }
    }
    return builder.build();
  }

  public MediaCopier copier() {
    return copier;
  }

  @Override
  public void close() {
    pool.close();
    store.close();
  }
}
