package genpay.media;

import genpay.config.ConfigException;

import java.net.URI;

/**
 * Where generated media is kept (DESIGN.md section 20): any S3-compatible store, or, without STORAGE_ENDPOINT,
 * the embedded one under DATA_DIR/media. {@code pathStyle} addresses buckets as {@code endpoint/bucket/key}
 * (MinIO, S3Proxy; R2 accepts both).
 */
public record StorageSettings(String endpoint, String bucket, String accessKeyId, String secretAccessKey,
                              String region, String publicUrl, boolean pathStyle, int partSizeMb) {

  public static final String DEFAULT_BUCKET = "genpay-media";

  /** Validates the STORAGE_* values; the key pair is required with an endpoint and ignored without one. */
  public static StorageSettings of(String endpoint, String bucket, String accessKeyId, String secretAccessKey,
                                   String region, String publicUrl, boolean pathStyle, int partSizeMb) {
    if (!endpoint.isEmpty()) {
      endpoint = url("STORAGE_ENDPOINT", endpoint);
      if (accessKeyId.isEmpty()) {
        throw new ConfigException("STORAGE_ACCESS_KEY_ID", "is required with STORAGE_ENDPOINT");
      }
      if (secretAccessKey.isEmpty()) {
        throw new ConfigException("STORAGE_SECRET_ACCESS_KEY", "is required with STORAGE_ENDPOINT");
      }
    }
    if (!publicUrl.isEmpty()) {
      publicUrl = url("STORAGE_PUBLIC_URL", publicUrl);
    }
    if (bucket.isEmpty()) {
      bucket = DEFAULT_BUCKET;
    }
    // S3's own rule: 3-63 lower-case letters, digits, dots and hyphens, a letter or digit at each end.
    if (!bucket.matches("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")) {
      throw new ConfigException("STORAGE_BUCKET", "must be an S3 bucket name: 3-63 of a-z 0-9 . - (got \"" + bucket + "\")");
    }
    if (region.isEmpty()) {
      region = "us-east-1";
    }
    return new StorageSettings(endpoint, bucket, accessKeyId, secretAccessKey, region, publicUrl, pathStyle,
        partSizeMb);
  }

  /** No STORAGE_ENDPOINT: the engine starts its own store. */
  public boolean embedded() {
    return endpoint.isEmpty();
  }

  public long partSizeBytes() {
    return partSizeMb * 1024L * 1024L;
  }

  /** The same with the embedded store's address and the key pair made for this run. */
  public StorageSettings withEndpoint(String url, String keyId, String secret) {
    return new StorageSettings(url, bucket, keyId, secret, region, publicUrl, true, partSizeMb);
  }

  @Override
  public String toString() {
    return "StorageSettings[endpoint=" + (embedded() ? "embedded" : endpoint) + ", bucket=" + bucket + ", region="
        + region + "]";
  }

  private static String url(String setting, String value) {
    try {
      URI uri = URI.create(value);
      if (uri.getScheme() == null || !uri.getScheme().matches("https?") || uri.getHost() == null) {
        throw new IllegalArgumentException();
      }
    } catch (IllegalArgumentException e) {
      throw new ConfigException(setting, "must be an absolute http(s) URL (got \"" + value + "\")");
    }
    return value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
  }
}
