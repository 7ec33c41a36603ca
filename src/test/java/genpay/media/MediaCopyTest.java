package genpay.media;

import genpay.CapturedLog;
import genpay.ChildEngine;
import genpay.TestEngine;
import genpay.generation.GeneratedMedia;
import genpay.redis.EmbeddedRedis;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static genpay.TestEngine.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Copies of large files into the object store through the real client, the real embedded store and the provider
 * sandbox's generated files: memory bounded by the part size, and a copy cut by kill -9 finished by another
 * engine as one object with the right checksum.
 */
class MediaCopyTest {

  private static final long MIB = 1024 * 1024;
  private static final int SIZE_MB = 30;
  private static final Vertx vertx = Vertx.vertx();
  private static final HttpClient http = HttpClient.newHttpClient();

  @AfterAll
  static void close() {
    vertx.close();
  }

  private static Map<String, String> quick(Map<String, String> more) {
    Map<String, String> env = new HashMap<>(Map.of("SANDBOX_GENERATION_SECONDS", "1", "FOLLOW_FIRST_DELAY_MS", "200",
        "FOLLOW_MAX_DELAY_MS", "400", "STORAGE_PART_SIZE_MB", "5"));
    env.putAll(more);
    return env;
  }

  /** Follows the engine's /media link and digests what the store serves, a chunk at a time. */
  static String servedSha256(String mediaUrl, long[] size) throws Exception {
    HttpClient following = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
    HttpResponse<InputStream> got = following.send(HttpRequest.newBuilder(URI.create(mediaUrl)).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    assertEquals(200, got.statusCode());
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    byte[] chunk = new byte[64 * 1024];
    long total = 0;
    try (InputStream in = got.body()) {
      for (int read; (read = in.read(chunk)) > 0; ) {
        digest.update(chunk, 0, read);
        total += read;
      }
    }
    size[0] = total;
    return HexFormat.of().formatHex(digest.digest());
  }

  @Test
  void aThirtyMegabyteFileIsCopiedWithTheHeapBoundedByItsParts() throws Exception {
    try (TestEngine genpay = TestEngine.start(quick(Map.of()))) {
      String sessionId = genpay.order(1, "a long take of the sea [sandbox:mb:" + SIZE_MB + ":slow]");
      var done = genpay.reaches(sessionId, "completed", "error");
      MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
      System.gc();
      long before = memory.getHeapMemoryUsage().getUsed();
      AtomicLong peak = new AtomicLong(before);
      // What stays reachable while the copy runs: sampled after a collection, so garbage does not count.
      Thread sampler = new Thread(() -> {
        while (!Thread.currentThread().isInterrupted()) {
          System.gc();
          peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
          try {
            Thread.sleep(150);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "heap-sampler");
      sampler.start();
      genpay.clickOnCheckoutPage(sessionId, "paid");
      JsonObject session;
      try {
        session = await(done.timeout(120, TimeUnit.SECONDS), 130);
      } finally {
        sampler.interrupt();
        sampler.join();
      }
      assertEquals("completed", session.getString("status"));
      long grew = peak.get() - before;
      System.out.printf("heap: %d MiB before, peak %d MiB during the copy (+%.1f MiB)%n", before / MIB,
          peak.get() / MIB, grew / (double) MIB);
      // Parts of 5 MiB: one in the copier's buffer, one in the store's request; the whole file would be 30.
      assertTrue(grew < 16 * MIB, "the heap grew by " + grew / MIB + " MiB while copying " + SIZE_MB + " MiB");

      String fileId = session.getString("fileId");
      long[] size = new long[1];
      assertEquals(GeneratedMedia.sha256(SIZE_MB * MIB), servedSha256(genpay.settings().appUrl() + "/media/" + fileId, size));
      assertEquals(SIZE_MB * MIB, size[0]);
      var record = await(genpay.redis.send(Request.cmd(Command.HGET).arg("media:" + fileId).arg("sha256")));
      assertEquals(GeneratedMedia.sha256(SIZE_MB * MIB), record.toString(), "the checksum the copy recorded");
    }
  }

  @Test
  void aCopyCutByKillMinus9IsFinishedByAnotherEngineAsOneObject(@TempDir Path dataDir) throws Exception {
    EmbeddedRedis redis = EmbeddedRedis.start(dataDir.resolve("redis"), 0, "everysec");
    TestStorage storage = TestStorage.start(dataDir.resolve("media"));
    StorageSettings store = storage.settings();
    Map<String, String> shared = quick(Map.of("REDIS_URL", redis.url(), "WORKER_CLAIM_IDLE_SECONDS", "1",
        "STORAGE_ENDPOINT", store.endpoint(), "STORAGE_ACCESS_KEY_ID", store.accessKeyId(),
        "STORAGE_SECRET_ACCESS_KEY", store.secretAccessKey(), "STORAGE_BUCKET", store.bucket()));
    try (MediaStore objects = new MediaStore(store, Duration.ofSeconds(30))) {
      String sessionId;
      String fileId;
      String uploadBefore;
      try (ChildEngine doomed = ChildEngine.start(shared)) {
        doomed.whenLogged("genpay ready").get(60, TimeUnit.SECONDS);
        WebClient web = WebClient.create(vertx);
        var created = await(web.post(doomed.port, "127.0.0.1", "/api/create-checkout").sendJsonObject(
            new JsonObject().put("quantity", 1).put("prompt", "a slow pan [sandbox:mb:" + SIZE_MB + ":slow]")));
        sessionId = created.bodyAsJsonObject().getString("sessionId");
        var firstPart = doomed.whenLogged("part 1 stored");
        await(web.post(doomed.port, "127.0.0.1", "/sandbox/stripe/pay/" + sessionId + "/complete")
            .putHeader("Content-Type", "application/x-www-form-urlencoded").sendBuffer(Buffer.buffer("outcome=paid")));
        String line = firstPart.get(60, TimeUnit.SECONDS);
        doomed.kill();
        fileId = line.replaceAll(".*file ([0-9a-f-]{36}): part 1 stored.*", "$1");
      }
      WebClient direct = WebClient.create(vertx);
      var redisClient = genpay.redis.RedisClients.create(vertx, redis.url(), "check");
      Map<String, String> cut = MediaRecords.fields(await(redisClient.send(Request.cmd(Command.HGETALL)
          .arg("media:" + fileId))));
      uploadBefore = cut.get("uploadId");
      assertTrue(cut.containsKey("part:1") && !cut.containsKey("storedAt"), "killed mid-copy: " + cut.keySet());
      assertTrue(!cut.containsKey("part:" + (SIZE_MB / 5)), "not every part was stored before the kill");

      try (TestEngine survivor = TestEngine.start(shared)) {
        var done = survivor.reaches(sessionId, "completed", "error");
        JsonObject file = await(survivor.http.get("/api/file/" + fileId).send()).bodyAsJsonObject();
        JsonObject session = "completed".equals(file.getString("status"))
            ? await(survivor.http.get("/api/webhook-status/" + sessionId).send()).bodyAsJsonObject()
            : await(done.timeout(120, TimeUnit.SECONDS), 130);
        assertEquals("completed", session.getString("status"));
        Map<String, String> stored = MediaRecords.fields(await(redisClient.send(Request.cmd(Command.HGETALL)
            .arg("media:" + fileId))));
        assertEquals(uploadBefore, stored.get("uploadId"), "the same multipart upload was finished, not begun again");
        assertEquals(GeneratedMedia.sha256(SIZE_MB * MIB), stored.get("sha256"));
        assertEquals(1, survivor.providerStarts(fileId));

        List<String> keys = objects.keys("generations/guest/" + sessionId + "/");
        assertEquals(List.of("generations/guest/" + sessionId + "/" + fileId + ".mp4",
            "generations/guest/" + sessionId + "/" + fileId + ".thumbnail.jpg"), keys.stream().sorted().toList(),
            "one object (and its thumbnail)");
        long[] size = new long[1];
        assertEquals(GeneratedMedia.sha256(SIZE_MB * MIB),
            servedSha256(survivor.settings().appUrl() + "/media/" + fileId, size), "what the store serves");
        assertEquals(SIZE_MB * MIB, size[0]);
      } finally {
        redisClient.close();
        direct.close();
      }
    } finally {
      storage.close();
      redis.stop();
    }
  }

  @Test
  void aProviderStreamThatHangsMidPartIsCutAndTheCopyGoesOnFromTheLastPartStored() throws Exception {
    int sizeMb = 12;
    try (TestEngine genpay = TestEngine.start(quick(Map.of("PROVIDER_REQUEST_TIMEOUT_MS", "1000")))) {
      String sessionId = genpay.order(1, "a still lake [sandbox:mb:" + sizeMb + ":stall]");
      var done = genpay.reaches(sessionId, "completed", "error");
      genpay.clickOnCheckoutPage(sessionId, "paid");
      JsonObject session = await(done.timeout(90, TimeUnit.SECONDS), 100);
      assertEquals("completed", session.getString("status"), session.encode());
      String fileId = session.getString("fileId");
      List<String> log = CapturedLog.lines().stream().filter(line -> line.contains(fileId)).toList();
      assertTrue(log.stream().anyMatch(line -> line.contains("sent nothing for 1000 ms during part 2")),
          "the hang was cut: " + log);
      assertTrue(log.stream().anyMatch(line -> line.contains("copy resumed at part 2")),
          "and the copy went on from part 2, not from the start: " + log);
      Map<String, String> record = MediaRecords.fields(await(genpay.redis.send(Request.cmd(Command.HGETALL)
          .arg("media:" + fileId))));
      assertEquals(GeneratedMedia.sha256(sizeMb * MIB), record.get("sha256"));
      long[] size = new long[1];
      assertEquals(GeneratedMedia.sha256(sizeMb * MIB), servedSha256(genpay.settings().appUrl() + "/media/" + fileId, size));
      assertEquals(sizeMb * MIB, size[0]);
    }
  }

  @Test
  void anUploadTheStoreLostMidCopyIsBegunAgainAndEndsAsOneRightObject() throws Exception {
    int sizeMb = 15;
    try (TestEngine genpay = TestEngine.start(quick(Map.of()))) {
      String sessionId = genpay.order(1, "a lost upload [sandbox:mb:" + sizeMb + ":slow]");
      var processing = genpay.reaches(sessionId, "processing");
      var done = genpay.reaches(sessionId, "completed", "error");
      genpay.clickOnCheckoutPage(sessionId, "paid");
      String fileId = await(processing.timeout(30, TimeUnit.SECONDS)).getString("fileId");
      Map<String, String> record = Map.of();
      for (int check = 0; check < 600 && !record.containsKey("part:1"); check++) {
        await(genpay.engine.vertx().timer(50));
        record = MediaRecords.fields(await(genpay.redis.send(Request.cmd(Command.HGETALL).arg("media:" + fileId))));
      }
      assertTrue(record.containsKey("part:1") && !record.containsKey("storedAt"), record.keySet().toString());
      String lost = record.get("uploadId");
      try (MediaStore objects = new MediaStore(genpay.settings().storage(), Duration.ofSeconds(30))) {
        // What a store's lifecycle rule or an operator does to an upload left open: it is gone.
        objects.abort(record.get("objectKey"), lost);
        JsonObject session = await(done.timeout(90, TimeUnit.SECONDS), 100);
        assertEquals("completed", session.getString("status"), session.encode());
        Map<String, String> stored = MediaRecords.fields(await(genpay.redis.send(Request.cmd(Command.HGETALL)
            .arg("media:" + fileId))));
        assertTrue(!lost.equals(stored.get("uploadId")), "a new upload was begun");
        assertEquals(GeneratedMedia.sha256(sizeMb * MIB), stored.get("sha256"));
        assertEquals(List.of(stored.get("objectKey")), objects.keys("generations/guest/" + sessionId + "/" + fileId + ".mp4"));
        long[] size = new long[1];
        assertEquals(GeneratedMedia.sha256(sizeMb * MIB), servedSha256(genpay.settings().appUrl() + "/media/" + fileId, size));
        assertEquals(sizeMb * MIB, size[0]);
      }
    }
  }
}
