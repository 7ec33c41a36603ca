package genpay.media;

import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Properties;

/**
 * The S3-compatible store of a laptop: S3Proxy over jclouds' filesystem backend, on 127.0.0.1 only, files
 * under {@code DATA_DIR/media}, a key pair made for this run and handed to the client (nothing else can sign
 * for it). Like the embedded Redis, it starts and stops with the engine; start and stop block.
 */
public final class EmbeddedStorage implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedStorage.class);
  private static final long START_TIMEOUT_MS = 30_000;

  private final S3Proxy proxy;
  private final BlobStoreContext context;
  private final String url;
  private final String accessKeyId;
  private final String secretAccessKey;

  private EmbeddedStorage(S3Proxy proxy, BlobStoreContext context, String url, String accessKeyId,
                          String secretAccessKey) {
    this.proxy = proxy;
    this.context = context;
    this.url = url;
    this.accessKeyId = accessKeyId;
    this.secretAccessKey = secretAccessKey;
  }

  /** {@code port} 0 takes a free one. */
  public static EmbeddedStorage start(Path dir, int port) {
    Path base = dir.toAbsolutePath();
    try {
      Files.createDirectories(base);
    } catch (IOException e) {
      throw new UncheckedIOException("the media directory " + base + " could not be made: " + e.getMessage(), e);
    }
    String keyId = "genpay" + random(8);
    String secret = random(24);
    Properties properties = new Properties();
    properties.setProperty("jclouds.filesystem.basedir", base.toString());
    BlobStoreContext context = ContextBuilder.newBuilder("filesystem").credentials(keyId, secret)
        .overrides(properties).build(BlobStoreContext.class);
    S3Proxy proxy = S3Proxy.builder().blobStore(context.getBlobStore())
        .endpoint(URI.create("http://127.0.0.1:" + port))
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, keyId, secret)
        .build();
    try {
      proxy.start();
      long until = System.currentTimeMillis() + START_TIMEOUT_MS;
      while (!"STARTED".equals(proxy.getState())) {
        if (System.currentTimeMillis() > until) {
          throw new IllegalStateException("S3Proxy did not start within " + START_TIMEOUT_MS + " ms");
        }
        Thread.sleep(10);
      }
    } catch (Exception e) {
      context.close();
      throw new IllegalStateException("embedded storage did not start: " + e.getMessage(), e);
    }
    String url = "http://127.0.0.1:" + proxy.getPort();
    LOG.info("storage: embedded S3-compatible store (S3Proxy) on {}, files under {}", url, base);
    return new EmbeddedStorage(proxy, context, url, keyId, secret);
  }

  public String url() {
    return url;
  }

  public int port() {
    return proxy.getPort();
  }

  /** The settings a client of this store uses: {@code configured} with its address and this run's key pair. */
  public StorageSettings settings(StorageSettings configured) {
    return configured.withEndpoint(url, accessKeyId, secretAccessKey);
  }

  public void stop() {
    try {
      proxy.stop();
    } catch (Exception e) {
      LOG.warn("storage: embedded store did not stop cleanly: {}", e.getMessage());
    }
    context.close();
  }

  @Override
  public void close() {
    stop();
  }

  private static String random(int bytes) {
    byte[] value = new byte[bytes];
    new SecureRandom().nextBytes(value);
    return HexFormat.of().formatHex(value);
  }
}
