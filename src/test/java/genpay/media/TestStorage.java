package genpay.media;

import java.nio.file.Path;

/**
 * The S3-compatible store a test talks to: the embedded S3Proxy (the default). Kept in one place so that a second
 * server can be plugged in for the same suite when one is available.
 */
public final class TestStorage implements AutoCloseable {

  private final EmbeddedStorage embedded;
  private final StorageSettings settings;

  private TestStorage(EmbeddedStorage embedded, StorageSettings settings) {
    this.embedded = embedded;
    this.settings = settings;
  }

  public static TestStorage start(Path dir) {
    EmbeddedStorage embedded = EmbeddedStorage.start(dir, 0);
    StorageSettings configured = StorageSettings.of("", "", "", "", "", "", true, 8);
    return new TestStorage(embedded, embedded.settings(configured));
  }

  public StorageSettings settings() {
    return settings;
  }

  @Override
  public void close() {
    embedded.stop();
  }
}
