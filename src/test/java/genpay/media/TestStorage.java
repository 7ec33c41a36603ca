package genpay.media;

import java.nio.file.Path;

/**
 * The S3-compatible store a test talks to: the embedded S3Proxy (the default), or another server named by
 * {@code GENPAY_TEST_STORAGE_ENDPOINT} with {@code GENPAY_TEST_STORAGE_ACCESS_KEY_ID} and
 * {@code GENPAY_TEST_STORAGE_SECRET_ACCESS_KEY} (environment or system properties; a MinIO on loopback, say), so the
 * same suite runs against a second implementation when one is at hand. Debian 12 packages none that runs alone.
 */
public final class TestStorage implements AutoCloseable {

  private final EmbeddedStorage embedded;
  private final StorageSettings settings;

  private TestStorage(EmbeddedStorage embedded, StorageSettings settings) {
    this.embedded = embedded;
    this.settings = settings;
  }

  private static String setting(String name) {
    return System.getProperty(name, System.getenv().getOrDefault(name, ""));
  }

  public static TestStorage start(Path dir) {
    String endpoint = setting("GENPAY_TEST_STORAGE_ENDPOINT");
    if (!endpoint.isEmpty()) {
      // A fresh bucket per test class run: the other server may hold what earlier runs left.
      return new TestStorage(null, StorageSettings.of(endpoint, "genpay-test-" + System.nanoTime(),
          setting("GENPAY_TEST_STORAGE_ACCESS_KEY_ID"), setting("GENPAY_TEST_STORAGE_SECRET_ACCESS_KEY"),
          setting("GENPAY_TEST_STORAGE_REGION"), "", true, 8));
    }
    EmbeddedStorage embedded = EmbeddedStorage.start(dir, 0);
    StorageSettings configured = StorageSettings.of("", "", "", "", "", "", true, 8);
    return new TestStorage(embedded, embedded.settings(configured));
  }

  public StorageSettings settings() {
    return settings;
  }

  @Override
  public void close() {
    if (embedded != null) {
      embedded.stop();
    }
  }
}
