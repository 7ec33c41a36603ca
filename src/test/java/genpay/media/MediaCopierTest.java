package genpay.media;

import genpay.generation.GeneratedMedia;
import genpay.redis.EmbeddedRedis;
import genpay.redis.RedisClients;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.redis.client.Redis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static genpay.TestEngine.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The copier on its own parts, all real: Redis, the store, and a file server on loopback. A copy whose every part
 * was stored before a crash (only the completion missing) is completed, not read again from the first byte.
 */
class MediaCopierTest {

  private static final long MIB = 1024 * 1024;
  private static final Vertx vertx = Vertx.vertx();
  private static EmbeddedRedis redisServer;
  private static TestStorage storage;
  private static HttpServer files;
  private static Redis redis;
  private static MediaStore store;
  private static MediaRecords records;
  private static MediaCopier copier;

  @BeforeAll
  static void start() throws Exception {
    Path dir = Files.createTempDirectory("genpay-copier-");
    redisServer = EmbeddedRedis.start(dir.resolve("redis"), 0, "everysec");
    storage = TestStorage.start(dir.resolve("media"));
    Router router = Router.router(vertx);
    router.get("/file.mp4").handler(GeneratedMedia::serve);
    files = await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
    redis = RedisClients.create(vertx, redisServer.url(), "copier-test");
    store = new MediaStore(storage.settings(), Duration.ofSeconds(30));
    store.ensureBucket();
    records = new MediaRecords(redis, 3_000, 3_600);
    copier = new MediaCopier(vertx, store, records, vertx.createSharedWorkerExecutor("copier-test", 2), 4,
        HttpClient.newHttpClient(), "http://app.test", 5 * MIB, 3_600_000, 2_000, new SimpleMeterRegistry());
  }

  @AfterAll
  static void stop() {
    store.close();
    redis.close();
    vertx.close();
    storage.close();
    redisServer.stop();
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  @Test
  void aCopyCutAfterItsLastPartIsCompletedWithoutReadingTheFileAgain() throws Exception {
    String fileId = UUID.randomUUID().toString();
    long size = 8 * MIB;
    MediaCopier.Request request = new MediaCopier.Request(fileId, "cs_test_cut", "", "video",
        "http://127.0.0.1:" + files.actualPort() + "/file.mp4?mb=8&file=" + fileId, "");
    // What a worker killed between its last part and the completion left behind.
    String key = MediaCopier.objectKey(request, "mp4", false);
    String uploadId = store.createUpload(key, "video/mp4");
    await(records.startUpload(fileId, Map.of("objectKey", key, "uploadId", uploadId, "partSize",
        String.valueOf(5 * MIB), "contentType", "video/mp4", "size", String.valueOf(size))));
    long offset = 0;
    for (int number = 1; offset < size; number++) {
      int length = (int) Math.min(5 * MIB, size - offset);
      byte[] part = new byte[length];
      GeneratedMedia.fill(offset, part, length);
      String etag = store.uploadPart(key, uploadId, number, part, length);
      await(records.savePart(fileId, new UploadState.Part(number, etag, sha256(part), length)));
      offset += length;
    }

    MediaCopier.Stored stored = await(copier.copy(request));
    assertEquals(GeneratedMedia.sha256(size), stored.sha256());
    assertEquals(size, stored.size());
    assertEquals("http://app.test/media/" + fileId, stored.url());
    Map<String, String> record = await(records.read(fileId));
    assertEquals(uploadId, record.get("uploadId"), "the upload under way was completed, not begun again");
    assertEquals(size, store.size(key).orElseThrow());
  }

  @Test
  void copiesAtOnceFromAProviderThatAllowsOneHttp2StreamAllSucceed() throws Exception {
    // Java 17's HTTP/2 client fails a request past the server's stream limit; the copier's client must not use it.
    Router router = Router.router(vertx);
    router.get("/file.mp4").handler(GeneratedMedia::serve);
    HttpServer strict = await(vertx.createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(true)
            .setInitialSettings(new Http2Settings().setMaxConcurrentStreams(1)))
        .requestHandler(router).listen(0, "127.0.0.1"));
    MediaCopier eager = new MediaCopier(vertx, store, records, vertx.createSharedWorkerExecutor("copier-h2", 8), 12,
        MediaWiring.providerHttp(null), "http://app.test", 5 * MIB, 3_600_000, 5_000, new SimpleMeterRegistry());
    try {
      List<Future<MediaCopier.Stored>> copies = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        String fileId = UUID.randomUUID().toString();
        copies.add(eager.copy(new MediaCopier.Request(fileId, "cs_test_h2", "", "video",
            "http://127.0.0.1:" + strict.actualPort() + "/file.mp4?mb=1&file=" + fileId, "")));
      }
      await(Future.join(copies));
      for (Future<MediaCopier.Stored> copy : copies) {
        assertTrue(copy.succeeded(), () -> "a copy failed: " + copy.cause());
        assertEquals(GeneratedMedia.sha256(MIB), copy.result().sha256());
      }
    } finally {
      await(strict.close());
    }
  }

  @Test
  void aFileSmallerThanAPartHoldsOnlyItsOwnSizeInMemory() {
    UploadState small = new UploadState("k", "u", 8 * MIB, 45_766, "video/mp4", List.of());
    assertEquals(45_766, MediaCopier.bufferSize(small));
    UploadState unknown = new UploadState("k", "u", 8 * MIB, -1, "video/mp4", List.of());
    assertEquals(8 * MIB, MediaCopier.bufferSize(unknown));
    UploadState large = new UploadState("k", "u", 8 * MIB, 30 * MIB, "video/mp4", List.of());
    assertEquals(8 * MIB, MediaCopier.bufferSize(large));
    UploadState lastPart = large.with(new UploadState.Part(1, "e1", "s1", 8 * MIB))
        .with(new UploadState.Part(2, "e2", "s2", 8 * MIB))
        .with(new UploadState.Part(3, "e3", "s3", 8 * MIB));
    assertEquals(6 * MIB, MediaCopier.bufferSize(lastPart));
  }

  @Test
  void aFileThatFitsOnePartIsOnePutAndALargerOneAMultipartUpload() throws Exception {
    Map<String, String> record = copyGenerated(5);
    assertTrue(record.containsKey("storedAt"));
    assertFalse(record.containsKey("uploadId"), "a file of exactly one part needs no multipart upload");

    Map<String, String> parts = copyGenerated(6);
    assertTrue(parts.containsKey("uploadId"));
    assertTrue(parts.containsKey("part:1") && parts.containsKey("part:2"), "two parts of 5 and 1 MiB: " + parts.keySet());
    assertEquals(6 * MIB, store.size(parts.get("objectKey")).orElseThrow());
  }

  /** Copies a generated file of {@code mb} MiB, checks what was stored, and answers its record. */
  private static Map<String, String> copyGenerated(int mb) {
    String fileId = UUID.randomUUID().toString();
    MediaCopier.Stored stored = await(copier.copy(new MediaCopier.Request(fileId, "cs_test_" + mb + "mb", "", "video",
        "http://127.0.0.1:" + files.actualPort() + "/file.mp4?mb=" + mb + "&file=" + fileId, "")));
    assertEquals(GeneratedMedia.sha256(mb * MIB), stored.sha256());
    return await(records.read(fileId));
  }
}
