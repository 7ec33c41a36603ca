package genpay.media;

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

  /** Copies under way at once on one node: each holds one part-sized buffer. */
  public static final int COPY_THREADS = 8;
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
        TimeUnit.DAYS.toSeconds(settings.sessionTtlDays())), pool,
        providerHttp(settings), settings.appUrl(), settings.storage().partSizeBytes(),
        TimeUnit.DAYS.toMillis(settings.sessionTtlDays()), settings.providerRequestTimeoutMs(), registry);
    return new MediaWiring(store, pool, copier);
  }

  /** Follows redirects (providers serve media from CDNs); trusts the engine's own certificate for its sandbox. */
  static HttpClient providerHttp(Settings settings) {
    HttpClient.Builder builder = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
        .connectTimeout(Duration.ofSeconds(10));
    if (settings.tls() != null) {
      try {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {settings.tls().trustManager()}, null);
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
