package genpay.media;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The engine's object store over the S3 API (AWS SDK for Java v2: it signs, retries and parses). Every call
 * blocks: run them on a worker pool, never on an event loop. Checksums the SDK would add by default (CRC32
 * trailers) are sent only where the API requires them, so stores that do not know them (S3Proxy, older MinIO,
 * R2 in places) still work; the copy checks its own SHA-256 instead.
 */
public final class MediaStore implements AutoCloseable {

  /** Signed links are valid this long (DESIGN.md section 20). */
  public static final Duration LINK_VALIDITY = Duration.ofHours(1);

  private final StorageSettings settings;
  private final S3Client s3;
  private final S3Presigner presigner;

  public MediaStore(StorageSettings settings, Duration callTimeout) {
    this.settings = settings;
    var credentials = StaticCredentialsProvider.create(
        AwsBasicCredentials.create(settings.accessKeyId(), settings.secretAccessKey()));
    S3Configuration config = S3Configuration.builder().pathStyleAccessEnabled(settings.pathStyle()).build();
    URI endpoint = URI.create(settings.endpoint());
    Region region = Region.of(settings.region());
    this.s3 = S3Client.builder()
        .endpointOverride(endpoint).region(region).credentialsProvider(credentials).serviceConfiguration(config)
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .httpClientBuilder(UrlConnectionHttpClient.builder()
            .connectionTimeout(Duration.ofSeconds(10)).socketTimeout(callTimeout))
        .overrideConfiguration(c -> c.apiCallAttemptTimeout(callTimeout))
        .build();
    this.presigner = S3Presigner.builder()
        .endpointOverride(endpoint).region(region).credentialsProvider(credentials).serviceConfiguration(config)
        .build();
  }

  public String bucket() {
    return settings.bucket();
  }

  /** Creates the bucket unless it is there. */
  public void ensureBucket() {
    try {
      s3.headBucket(b -> b.bucket(bucket()));
    } catch (S3Exception missing) {
      if (missing.statusCode() != 404) {
        throw missing;
      }
      try {
        s3.createBucket(b -> b.bucket(bucket()));
      } catch (BucketAlreadyOwnedByYouException raced) {
        // another node made it first
      }
    }
  }

  public String createUpload(String key, String contentType) {
    return s3.createMultipartUpload(b -> b.bucket(bucket()).key(key).contentType(contentType)).uploadId();
  }

  /** Uploads {@code length} bytes of {@code body} as part {@code number}; answers its ETag. */
  public String uploadPart(String key, String uploadId, int number, byte[] body, int length) {
    return s3.uploadPart(b -> b.bucket(bucket()).key(key).uploadId(uploadId).partNumber(number)
            .contentLength((long) length),
        bytes(body, length, "application/octet-stream")).eTag();
  }

  /** The first {@code length} bytes of a buffer, readable again by the SDK's retries; the buffer is not copied. */
  private static RequestBody bytes(byte[] body, int length, String contentType) {
    return RequestBody.fromContentProvider(() -> new java.io.ByteArrayInputStream(body, 0, length), length,
        contentType);
  }

  /** The part numbers the store holds for this upload; empty when the upload is gone (completed or aborted). */
  public Optional<List<Integer>> parts(String key, String uploadId) {
    try {
      return Optional.of(s3.listPartsPaginator(b -> b.bucket(bucket()).key(key).uploadId(uploadId)).parts()
          .stream().map(part -> part.partNumber()).toList());
    } catch (S3Exception gone) {
      if (gone.statusCode() == 404) {
        return Optional.empty();
      }
      throw gone;
    }
  }

  public void complete(String key, String uploadId, List<CompletedPart> parts) {
    s3.completeMultipartUpload(b -> b.bucket(bucket()).key(key).uploadId(uploadId)
        .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build()));
  }

  public void abort(String key, String uploadId) {
    try {
      s3.abortMultipartUpload(b -> b.bucket(bucket()).key(key).uploadId(uploadId));
    } catch (S3Exception gone) {
      if (gone.statusCode() != 404) {
        throw gone;
      }
    }
  }

  /** {@code length} bytes of {@code body} as the whole object, in one request; answers its ETag. */
  public String putBytes(String key, String contentType, byte[] body, int length) {
    return s3.putObject(b -> b.bucket(bucket()).key(key).contentType(contentType).contentLength((long) length),
        bytes(body, length, contentType)).eTag();
  }

  /** A small object in one request, streamed from {@code body}. */
  public void put(String key, String contentType, InputStream body, long length) {
    s3.putObject(b -> b.bucket(bucket()).key(key).contentType(contentType).contentLength(length),
        RequestBody.fromInputStream(body, length));
  }

  /** The object's size, or empty when there is none. */
  public Optional<Long> size(String key) {
    try {
      HeadObjectResponse head = s3.headObject(b -> b.bucket(bucket()).key(key));
      return Optional.of(head.contentLength());
    } catch (NoSuchKeyException none) {
      return Optional.empty();
    } catch (S3Exception none) {
      if (none.statusCode() == 404) {
        return Optional.empty();
      }
      throw none;
    }
  }

  /** Streams the object to {@code reader}; the stream is closed after. */
  public <T> T read(String key, StreamReader<T> reader) {
    return s3.getObject(b -> b.bucket(bucket()).key(key), ResponseTransformer.unmanaged((response, in) -> {
      try (in) {
        return reader.read(in);
      }
    }));
  }

  /** The keys of the objects under {@code prefix}. */
  public List<String> keys(String prefix) {
    return s3.listObjectsV2Paginator(b -> b.bucket(bucket()).prefix(prefix)).contents().stream()
        .map(object -> object.key()).toList();
  }

  /** Deleting what is not there succeeds (S3's own rule). */
  public void delete(String key) {
    s3.deleteObject(b -> b.bucket(bucket()).key(key));
  }

  /**
   * Where a browser fetches the object: the public URL when STORAGE_PUBLIC_URL is set, else a GET presigned for
   * {@link #LINK_VALIDITY} (no network: the signature is computed here).
   */
  public String link(String key) {
    return link(key, LINK_VALIDITY, false);
  }

  /** With {@code download}, the store answers {@code Content-Disposition: attachment} (a signed link only). */
  public String link(String key, Duration validity, boolean download) {
    if (!settings.publicUrl().isEmpty()) {
      return settings.publicUrl() + "/" + key;
    }
    String name = key.substring(key.lastIndexOf('/') + 1);
    return presigner.presignGetObject(p -> p.signatureDuration(validity)
        .getObjectRequest(g -> {
          g.bucket(bucket()).key(key);
          if (download) {
            g.responseContentDisposition("attachment; filename=\"" + name + "\"");
          }
        })).url().toString();
  }

  @Override
  public void close() {
    s3.close();
    presigner.close();
  }

  /** Reads a whole object stream. */
  @FunctionalInterface
  public interface StreamReader<T> {
    T read(InputStream in) throws Exception;
  }
}
