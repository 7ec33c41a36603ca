package genpay.media;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.NoSuchUploadException;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Copies one finished file from the provider into the object store: streamed into a multipart upload a part at a
 * time (one part-sized buffer per copy, never the whole file), each part's SHA-256 and ETag kept in Redis as it
 * lands, so a copy cut by a crash or a stalled part goes on from the last part stored, by whichever worker runs
 * it next. The stored object is read back and must match, part by part, what came from the provider.
 * Blocking I/O runs on the media worker pool; the event loop only chains the steps.
 */
public final class MediaCopier {

  private static final Logger LOG = LoggerFactory.getLogger(MediaCopier.class);
  /** A thumbnail larger than this is not a thumbnail. */
  static final long MAX_THUMBNAIL_BYTES = 20L * 1024 * 1024;
  private static final int READ_CHUNK = 64 * 1024;
  private static final Pattern EXTENSION = Pattern.compile("\\.([A-Za-z0-9]{2,5})$");
  private static final Pattern CONTENT_RANGE_TOTAL = Pattern.compile("/(\\d+)$");
  private static final Map<String, String> TYPES = Map.of("mp4", "video/mp4", "webm", "video/webm",
      "mov", "video/quicktime", "png", "image/png", "jpg", "image/jpeg", "jpeg", "image/jpeg", "webp", "image/webp",
      "wav", "audio/wav", "mp3", "audio/mpeg");

  /** What to copy: the file, its order and owner ('' for a card order), and the provider's links. */
  public record Request(String fileId, String sessionId, String accountId, String type, String url,
                        String thumbnailUrl) {
  }

  /** The stored copy: the engine's own links, its size and SHA-256. */
  public record Stored(String url, String thumbnailUrl, long size, String sha256) {
  }

  /** The copy failed; {@code restart} when its upload must begin again from the first byte. */
  public static final class CopyException extends RuntimeException {
    final boolean restart;

    CopyException(String message, boolean restart) {
      super(message);
      this.restart = restart;
    }
  }

  private final Vertx vertx;
  private final MediaStore store;
  private final MediaRecords records;
  private final WorkerExecutor pool;
  private final CopySlots slots;
  private final HttpClient http;
  private final String appUrl;
  private final long partSize;
  private final long keepMs;
  private final long stallMs;
  private final MeterRegistry registry;
  private volatile boolean bucketReady;

  /** {@code concurrentCopies}: copies running at once, each holding at most one part in memory. */
  public MediaCopier(Vertx vertx, MediaStore store, MediaRecords records, WorkerExecutor pool, int concurrentCopies,
                     HttpClient http, String appUrl, long partSize, long keepMs, long stallMs,
                     MeterRegistry registry) {
    this.vertx = vertx;
    this.store = store;
    this.records = records;
    this.pool = pool;
    this.slots = new CopySlots(concurrentCopies);
    this.http = http;
    this.appUrl = appUrl;
    this.partSize = partSize;
    this.keepMs = keepMs;
    this.stallMs = stallMs;
    this.registry = registry;
  }

  /** The engine's own link to a file's media: a redirect to the store, good in pages and e-mails forever. */
  public static String link(String appUrl, String fileId, boolean thumbnail) {
    return appUrl + "/media/" + fileId + (thumbnail ? "/thumbnail" : "");
  }

  /** {@code generations/{accountId|guest}/{orderId}/{fileId}.{ext}}; the thumbnail beside it. */
  public static String objectKey(Request request, String extension, boolean thumbnail) {
    String owner = request.accountId() == null || request.accountId().isEmpty() ? "guest" : request.accountId();
    return "generations/" + owner + "/" + request.sessionId() + "/" + request.fileId()
        + (thumbnail ? ".thumbnail" : "") + "." + extension;
  }

  static String extension(String url, String fallback) {
    try {
      String path = URI.create(url).getPath();
      Matcher matched = EXTENSION.matcher(path == null ? "" : path);
      if (matched.find()) {
        return matched.group(1).toLowerCase(Locale.ROOT);
      }
    } catch (IllegalArgumentException e) {
      // not a URL we can read an extension from
    }
    return fallback;
  }

  static String defaultExtension(String type, boolean thumbnail) {
    if (thumbnail) {
      return "jpg";
    }
    return switch (type == null ? "video" : type) {
      case "image" -> "png";
      case "audio" -> "wav";
      default -> "mp4";
    };
  }

  static String contentType(String extension) {
    return TYPES.getOrDefault(extension, "application/octet-stream");
  }

  /** Copies the file, or answers the copy already stored; waits its turn while the node's copies are all busy. */
  public Future<Stored> copy(Request request) {
    return slots.acquire().compose(turn -> copyNow(request).andThen(done -> slots.release()));
  }

  private Future<Stored> copyNow(Request request) {
    long started = System.nanoTime();
    return records.read(request.fileId()).compose(record -> {
      if (record.containsKey("storedAt")) {
        return Future.succeededFuture(stored(request, record));
      }
      return prepare(request, UploadState.from(record))
          .compose(state -> new Run(request, state).start())
          .compose(state -> copyThumbnail(request).compose(thumbnailKey -> finish(request, state, thumbnailKey)))
          .onSuccess(done -> {
            double seconds = (System.nanoTime() - started) / 1e9;
            registry.counter("genpay.media.copied.bytes").increment(done.size());
            LOG.info("file {}: stored in the object store, {} bytes in {} s, sha256 {}", request.fileId(),
                done.size(), String.format(Locale.ROOT, "%.2f", seconds), done.sha256());
          })
          .recover(failure -> {
            if (failure instanceof CopyException copy && copy.restart) {
              // The next try begins a new upload: this one is given up (its parts freed) and forgotten.
              return records.read(request.fileId())
                  .compose(stale -> blocking(() -> {
                    UploadState old = UploadState.from(stale);
                    if (old != null && old.objectKey() != null) {
                      store.abort(old.objectKey(), old.uploadId());
                    }
                    return null;
                  }))
                  .transform(aborted -> records.startUpload(request.fileId(), Map.of("restart", "1")))
                  .transform(ignored -> Future.failedFuture(failure));
            }
            return Future.failedFuture(failure);
          });
    });
  }

  private Stored stored(Request request, Map<String, String> record) {
    boolean thumbnail = !record.getOrDefault("thumbnailKey", "").isEmpty();
    return new Stored(link(appUrl, request.fileId(), false), thumbnail ? link(appUrl, request.fileId(), true) : "",
        Long.parseLong(record.getOrDefault("size", "0")), record.getOrDefault("sha256", ""));
  }

  /**
   * Keeps the upload under way when the store still has it. Otherwise the copy begins as one PUT, with nothing
   * recorded: a file that fits one part is stored in one request (the store's three multipart calls and two
   * Redis writes saved; a copy cut short simply begins again). Only a larger file, or one of unknown size, opens
   * a multipart upload, once the provider's answer has said so.
   */
  private Future<UploadState> prepare(Request request, UploadState recorded) {
    return blocking(() -> {
      if (!bucketReady) {
        store.ensureBucket();
        bucketReady = true;
      }
      if (recorded != null && recorded.objectKey() != null) {
        var inStore = store.parts(recorded.objectKey(), recorded.uploadId());
        if (inStore.isPresent()) {
          UploadState kept = recorded.keeping(inStore.get());
          LOG.info("file {}: copy resumed at part {} ({} bytes already stored)", request.fileId(),
              kept.parts().size() + 1, kept.offset());
          return kept;
        }
      }
      String extension = extension(request.url(), defaultExtension(request.type(), false));
      String key = objectKey(request, extension, false);
      return new UploadState(key, SINGLE_PUT, partSize, -1, contentType(extension), List.of());
    });
  }

  /** The upload id of a copy that is one PUT: nothing to resume, nothing recorded. */
  static final String SINGLE_PUT = "";

  private static boolean single(UploadState state) {
    return SINGLE_PUT.equals(state.uploadId());
  }

  /** A file of this size goes in one PUT: the provider said its size, and it fits one part. */
  static boolean fitsOnePut(long size, long partSize) {
    return size >= 0 && size <= partSize;
  }

  private static Map<String, String> recordOf(UploadState state) {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("objectKey", state.objectKey());
    fields.put("uploadId", state.uploadId());
    fields.put("partSize", String.valueOf(state.partSize()));
    fields.put("contentType", state.contentType());
    return fields;
  }

  /** One pass over the provider's file from where the upload stands: the parts, then the completed object. */
  private final class Run {
    private final Request request;
    private UploadState state;
    private InputStream source;
    private byte[] buffer;
    private volatile long lastByteAt;
    /** Only a read waits on the provider; the part's upload has the store client's own timeout. */
    private volatile boolean reading;

    Run(Request request, UploadState state) {
      this.request = request;
      this.state = state;
    }

    Future<UploadState> start() {
      return blocking(this::open)
          .compose(size -> state.size() >= 0 && size >= 0 && size != state.size()
              ? Future.failedFuture(new CopyException("the provider's file changed size", true))
              : single(state) ? onePutOrMultipart(size) : sizeKnown(size))
          .compose(v -> nextPart())
          .eventually(() -> blocking(() -> {
            close();
            buffer = null;
            return null;
          }));
    }

    /** A fresh copy learns the file's size from the provider's answer: one PUT if it fits, else a multipart upload. */
    private Future<Void> onePutOrMultipart(long size) {
      if (fitsOnePut(size, state.partSize())) {
        state = state.withSize(size);
        return Future.succeededFuture();
      }
      return blocking(() -> store.createUpload(state.objectKey(), state.contentType())).compose(uploadId -> {
        state = new UploadState(state.objectKey(), uploadId, state.partSize(), size, state.contentType(), List.of());
        return records.startUpload(request.fileId(), size < 0 ? recordOf(state) : withSize(size)).mapEmpty();
      });
    }

    private Future<Void> sizeKnown(long size) {
      if (size < 0 || state.size() == size) {
        return Future.succeededFuture();
      }
      state = state.withSize(size);
      return records.startUpload(request.fileId(), withSize(size)).mapEmpty();
    }

    private Map<String, String> withSize(long size) {
      Map<String, String> fields = recordOf(state);
      fields.put("size", String.valueOf(size));
      state.parts().forEach(part -> fields.put("part:" + part.number(), part.encode()));
      return fields;
    }

    /** Opens the provider's file at the offset; answers its whole size, or -1 when the provider does not say. */
    private long open() throws IOException, InterruptedException {
      long offset = state.offset();
      HttpRequest.Builder get = HttpRequest.newBuilder(URI.create(request.url())).timeout(Duration.ofMillis(stallMs));
      if (offset > 0) {
        get.header("Range", "bytes=" + offset + "-");
      }
      HttpResponse<InputStream> response = http.send(get.build(), HttpResponse.BodyHandlers.ofInputStream());
      source = response.body();
      int status = response.statusCode();
      if (status == 416 && offset > 0) {
        // Nothing left past the offset: every byte is uploaded, and the answer's body is not the file's.
        source.close();
        source = InputStream.nullInputStream();
        return response.headers().firstValue("Content-Range").map(MediaCopier::total).orElse(offset);
      }
      if (status != 200 && status != 206) {
        throw new CopyException("the provider answered " + status + " for the file", false);
      }
      long length = response.headers().firstValueAsLong("Content-Length").orElse(-1);
      if (status == 206) {
        return response.headers().firstValue("Content-Range").map(MediaCopier::total).orElse(-1L);
      }
      // A server that ignores Range sends the whole file: skip what is stored.
      if (offset > 0) {
        source.skipNBytes(offset);
        LOG.info("file {}: the provider ignores Range; {} bytes skipped", request.fileId(), offset);
      }
      return length;
    }

    private Future<UploadState> nextPart() {
      int number = state.parts().size() + 1;
      // A provider stream that stops sending would hold the read forever: closing it fails the step instead.
      long watchdog = vertx.setPeriodic(Math.max(50, stallMs / 4), id -> {
        if (reading && System.currentTimeMillis() - lastByteAt > stallMs) {
          vertx.cancelTimer(id);
          LOG.warn("file {}: the provider sent nothing for {} ms during part {}, stream cut", request.fileId(),
              stallMs, number);
          close();
        }
      });
      return MediaCopier.this.<UploadState.Part>blocking(() -> {
        if (buffer == null) {
          buffer = new byte[bufferSize(state)];
        }
        int length = fill();
        if (length == 0 && number > 1) {
          return null;
        }
        String etag = single(state)
            ? store.putBytes(state.objectKey(), state.contentType(), buffer, length)
            : uploadGone(() -> store.uploadPart(state.objectKey(), state.uploadId(), number, buffer, length));
        return new UploadState.Part(number, etag, sha256(buffer, length), length);
      }).onComplete(done -> vertx.cancelTimer(watchdog)).compose(part -> {
        if (part == null) {
          return complete();
        }
        state = state.with(part);
        if (single(state)) {
          return complete();
        }
        return records.savePart(request.fileId(), part).compose(v -> {
          LOG.info("file {}: part {} stored ({} of {} bytes)", request.fileId(), part.number(), state.offset(),
              state.size() < 0 ? "?" : state.size());
          return part.length() < state.partSize() ? complete() : nextPart();
        });
      });
    }

    /** Reads up to a whole part, noting each chunk's arrival for the watchdog; 0 at the end of the file. */
    private int fill() throws IOException {
      int length = 0;
      lastByteAt = System.currentTimeMillis();
      reading = true;
      try {
        while (length < buffer.length) {
          int read = source.read(buffer, length, Math.min(READ_CHUNK, buffer.length - length));
          if (read < 0) {
            break;
          }
          length += read;
          lastByteAt = System.currentTimeMillis();
        }
      } finally {
        reading = false;
      }
      return length;
    }

    private Future<UploadState> complete() {
      return blocking(() -> {
        long copied = state.offset();
        if (state.size() >= 0 && copied != state.size()) {
          throw new CopyException("the provider sent " + copied + " of " + state.size() + " bytes", false);
        }
        if (single(state)) {
          return state;
        }
        return uploadGone(() -> {
          store.complete(state.objectKey(), state.uploadId(), state.parts().stream()
              .map(part -> CompletedPart.builder().partNumber(part.number()).eTag(part.etag()).build()).toList());
          return state;
        });
      });
    }

    private void close() {
      if (source != null) {
        try {
          source.close();
        } catch (IOException e) {
          // the stream is done with either way
        }
      }
    }
  }

  /** Reads the stored object back: its size and each part's SHA-256 must be what came from the provider. */
  private Future<Stored> finish(Request request, UploadState state, String thumbnailKey) {
    return blocking(() -> {
      long size = store.size(state.objectKey()).orElseThrow(() ->
          new CopyException("the completed object is missing", true));
      if (size != state.offset()) {
        throw new CopyException("the stored object has " + size + " bytes, " + state.offset() + " were sent", true);
      }
      return store.read(state.objectKey(), in -> {
        MessageDigest whole = MessageDigest.getInstance("SHA-256");
        byte[] chunk = new byte[64 * 1024];
        for (UploadState.Part part : state.parts()) {
          MessageDigest partDigest = MessageDigest.getInstance("SHA-256");
          long left = part.length();
          while (left > 0) {
            int read = in.read(chunk, 0, (int) Math.min(chunk.length, left));
            if (read < 0) {
              throw new CopyException("the stored object ended early", true);
            }
            partDigest.update(chunk, 0, read);
            whole.update(chunk, 0, read);
            left -= read;
          }
          if (!HexFormat.of().formatHex(partDigest.digest()).equals(part.sha256())) {
            throw new CopyException("part " + part.number() + " differs from what the provider sent", true);
          }
        }
        return HexFormat.of().formatHex(whole.digest());
      });
    }).compose(sha256 -> {
      Map<String, String> fields = new LinkedHashMap<>();
      fields.put("objectKey", state.objectKey());
      fields.put("thumbnailKey", thumbnailKey);
      fields.put("size", String.valueOf(state.offset()));
      fields.put("sha256", sha256);
      fields.put("accountId", request.accountId() == null ? "" : request.accountId());
      fields.put("sessionId", request.sessionId());
      long now = System.currentTimeMillis();
      return records.markStored(request.fileId(), now, now + keepMs, fields)
          .map(first -> new Stored(link(appUrl, request.fileId(), false),
              thumbnailKey.isEmpty() ? "" : link(appUrl, request.fileId(), true), state.offset(), sha256));
    });
  }

  /** The thumbnail, small, in one request; '' when the provider gives none. */
  private Future<String> copyThumbnail(Request request) {
    if (request.thumbnailUrl() == null || request.thumbnailUrl().isEmpty()) {
      return Future.succeededFuture("");
    }
    return blocking(() -> {
      String extension = extension(request.thumbnailUrl(), defaultExtension(request.type(), true));
      String key = objectKey(request, extension, true);
      HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(URI.create(request.thumbnailUrl()))
          .timeout(Duration.ofMillis(stallMs)).build(), HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream body = response.body()) {
        if (response.statusCode() != 200) {
          throw new CopyException("the provider answered " + response.statusCode() + " for the thumbnail", false);
        }
        long length = response.headers().firstValueAsLong("Content-Length").orElse(-1);
        if (length > MAX_THUMBNAIL_BYTES) {
          throw new CopyException("the thumbnail is larger than " + MAX_THUMBNAIL_BYTES + " bytes", false);
        }
        if (length >= 0) {
          store.put(key, contentType(extension), body, length);
        } else {
          byte[] whole = body.readNBytes((int) MAX_THUMBNAIL_BYTES + 1);
          if (whole.length > MAX_THUMBNAIL_BYTES) {
            throw new CopyException("the thumbnail is larger than " + MAX_THUMBNAIL_BYTES + " bytes", false);
          }
          store.put(key, contentType(extension), new java.io.ByteArrayInputStream(whole), whole.length);
        }
      }
      return key;
    });
  }

  /** A part, or less when the provider said how much is left: a small file never holds a whole part's memory. */
  static int bufferSize(UploadState state) {
    if (state.size() < 0) {
      return (int) state.partSize();
    }
    return (int) Math.max(1, Math.min(state.partSize(), state.size() - state.offset()));
  }

  /** Runs {@code work} on the media pool; the steps of one copy run one after another by composition. */
  private <T> Future<T> blocking(Callable<T> work) {
    return pool.executeBlocking(work, false);
  }

  /** A store that no longer knows the upload (completed or aborted meanwhile): the copy must begin again. */
  private static <T> T uploadGone(Callable<T> call) throws Exception {
    try {
      return call.call();
    } catch (NoSuchUploadException gone) {
      throw new CopyException("the store no longer has the upload", true);
    } catch (S3Exception failed) {
      if (failed.statusCode() == 404) {
        throw new CopyException("the store no longer has the upload", true);
      }
      throw failed;
    }
  }

  private static long total(String contentRange) {
    Matcher matched = CONTENT_RANGE_TOTAL.matcher(contentRange.trim());
    return matched.find() ? Long.parseLong(matched.group(1)) : -1L;
  }

  private static String sha256(byte[] bytes, int length) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(bytes, 0, length);
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
