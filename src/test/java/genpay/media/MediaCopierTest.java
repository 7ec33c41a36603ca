package genpay.media;

import genpay.generation.GeneratedMedia;
import genpay.redis.EmbeddedRedis;
import genpay.redis.RedisClients;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
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
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;

import static genpay.TestEngine.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
    copier = new MediaCopier(vertx, store, records, vertx.createSharedWorkerExecutor("copier-test", 2),
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
}
