package genpay.migrate;

import genpay.TestEngine;
import genpay.TestKeys;
import genpay.accounts.Tokens;
import genpay.config.Addresses;
import genpay.config.Settings;
import genpay.credits.EntryType;
import genpay.credits.Ledger;
import genpay.credits.LedgerKeys;
import genpay.redis.EmbeddedRedis;
import genpay.redis.RedisClients;
import genpay.requests.RequestKeys;
import genpay.sessions.RedisKeys;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static genpay.TestEngine.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Redis as the engine wrote it before keys were sharded (written here key by key, the ledger by today's code and
 * renamed back) migrates; then an engine serves its orders, its files (also one whose id is of another shard than
 * its order), its ledger and its pending jobs (a normal and a priority one); a second migration changes nothing.
 */
class KeyMigrationTest {

  private static final String DONE = "cs_test_migratedDone000000000001";
  private static final String RUNNING = "cs_test_migratedRunning000000001";
  private static final String PENDING = "cs_test_migratedPending000000001";
  private static final String CREDIT_ORDER = "ord_migratedCreditOrder00001";
  private static final String ACCOUNT = "acc_migratedAccount000000001";

  private static Vertx vertx;

  @BeforeAll
  static void vertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void close() {
    await(vertx.close());
  }

  @Test
  void aPreShardRedisMigratesAndIsServedAndASecondRunChangesNothing(@TempDir Path dataDir) throws Exception {
    EmbeddedRedis server = EmbeddedRedis.start(dataDir, 0, "everysec");
    Settings settings = Settings.from(new JsonObject(), Map.of("REDIS_URL", server.url()));
    try {
      // Files of the finished order: one whose own shard is not its order's (it will need a pointer).
      String foreignFile = fileIdOutside(TestKeys.SHARDS.of(DONE));
      String secondFile = UUID.randomUUID().toString();
      String runningFile = UUID.randomUUID().toString();
      String creditFile = UUID.randomUUID().toString();
      String token = Tokens.secret();
      RedisConnection legacy = await(Redis.createClient(vertx, server.url()).connect());
      try {
        writeLegacyStore(legacy, foreignFile, secondFile, runningFile, creditFile, token);
        String digest = digest(legacy);

        // Another client is connected (this test's, as an engine's would be): refused, nothing changed; --force
        // goes on (dry here).
        assertEquals(1, MigrateKeys.migrate(vertx, server.url(), settings, false, false));
        assertEquals(digest, digest(legacy));
        assertEquals(0, MigrateKeys.migrate(vertx, server.url(), settings, true, true));
        assertEquals(digest, digest(legacy));

        KeyMigration.Report dry = KeyMigration.run(legacy, settings.shards(), true);
        assertEquals(digest, digest(legacy), "a dry run changes nothing");

        KeyMigration.Report report = KeyMigration.run(legacy, settings.shards(), false);
        assertEquals(dry.moved(), report.moved(), "the dry run said what the run did");
        assertEquals(4, report.moved().get("sessions"));
        assertEquals(4, report.moved().get("files"));
        long outside = Map.of(foreignFile, DONE, secondFile, DONE, runningFile, RUNNING, creditFile, CREDIT_ORDER)
            .entrySet().stream().filter(f -> TestKeys.SHARDS.of(f.getKey()) != TestKeys.SHARDS.of(f.getValue())).count();
        assertEquals((int) outside, report.moved().get("file pointers"), "one per file outside its order's shard");
        assertEquals(1, report.moved().get("jobs"));
        assertEquals(1, report.moved().get("priority jobs"));
        assertTrue(report.notes().stream().anyMatch(note -> note.contains("Stripe event mark")), report.notes().toString());

        String doneTag = TestKeys.tag(DONE);
        assertFalse(exists(legacy, "session:" + DONE));
        assertTrue(exists(legacy, RedisKeys.session(doneTag, DONE)));
        assertTrue(call(legacy, Request.cmd(Command.PTTL).arg(RedisKeys.session(doneTag, DONE))).toLong() > 0,
            "RENAME keeps the TTL");
        assertTrue(exists(legacy, RedisKeys.file(doneTag, foreignFile)), "a file lives under its order's tag");
        assertEquals(doneTag, call(legacy, Request.cmd(Command.GET)
            .arg(RedisKeys.file(TestKeys.tag(foreignFile), foreignFile))).toString(), "its own shard points there");
        assertEquals(1, call(legacy, Request.cmd(Command.ZCARD).arg(RedisKeys.pendingSessions(TestKeys.tag(PENDING))))
            .toLong());
        assertTrue(exists(legacy, LedgerKeys.stream(TestKeys.SHARDS, ACCOUNT)));
        assertTrue(exists(legacy, RequestKeys.calculation("localhost:8080")));
        assertEquals(1, call(legacy, Request.cmd(Command.LLEN).arg(RequestKeys.calculationUrls("localhost:8080")))
            .toLong());
        assertTrue(exists(legacy, "mail:sent:" + doneTag + ":order-ended:" + DONE));
        String creditTag = TestKeys.tag(CREDIT_ORDER);
        assertEquals(RedisKeys.generationJobsPriority(creditTag), call(legacy, Request.cmd(Command.HGET)
            .arg(RedisKeys.file(creditTag, creditFile)).arg("jobStream")).toString(), "jobStream names the new stream");
        assertEquals(1, call(legacy, Request.cmd(Command.XLEN).arg(RedisKeys.generationJobs(TestKeys.tag(RUNNING))))
            .toLong());

        String migrated = digest(legacy);
        KeyMigration.Report again = KeyMigration.run(legacy, settings.shards(), false);
        assertEquals(0, again.total(), "a second run finds nothing of the old layout: " + again.moved());
        assertEquals(migrated, digest(legacy), "and changes nothing");
      } finally {
        legacy.close();
      }

      try (TestEngine genpay = TestEngine.start(Map.of("REDIS_URL", server.url(), "SANDBOX_GENERATION_SECONDS", "1",
          "FOLLOW_FIRST_DELAY_MS", "100", "FOLLOW_MAX_DELAY_MS", "300", "SANDBOX_STRIPE_WEBHOOKS", "false"))) {
        JsonObject done = json(genpay, "/api/webhook-status/" + DONE);
        assertEquals("completed", done.getString("status"));
        assertEquals(List.of(foreignFile, secondFile), done.getJsonArray("files").stream()
            .map(file -> ((JsonObject) file).getString("id")).toList());
        JsonObject file = json(genpay, "/api/file/" + foreignFile);
        assertEquals("completed", file.getString("status"), "the pointer is followed");
        assertEquals(DONE, file.getString("sessionId"));

        // The pending jobs of the old streams are worked from the new ones.
        assertEquals("completed", awaitEnded(genpay, RUNNING));
        assertEquals("completed", awaitEnded(genpay, CREDIT_ORDER));
        assertEquals(1, genpay.providerStarts(runningFile));
        assertEquals(1, genpay.providerStarts(creditFile));

        HttpResponse<Buffer> balance = await(genpay.http.get("/api/credits/balance")
            .putHeader("Cookie", "gp_session=" + token).send());
        assertEquals(200, balance.statusCode(), balance.bodyAsString());
        assertEquals(42.5, balance.bodyAsJsonObject().getDouble("balance"), "the ledger came along");
        // Reconciliation finds the unpaid order in its shard's pending set.
        JsonObject pending = await(genpay.engine.vertx().eventBus().<JsonObject>request(Addresses.SESSIONS_PENDING,
            new JsonObject().put("shard", TestKeys.SHARDS.of(PENDING)).put("createdBefore", Long.MAX_VALUE))).body();
        assertEquals(List.of(PENDING), pending.getJsonArray("sessionIds").getList());
      }
    } finally {
      server.stop();
    }
  }

  /** The store as the engine wrote it before sharding: what this test migrates. */
  private static void writeLegacyStore(RedisConnection redis, String foreignFile, String secondFile,
                                       String runningFile, String creditFile, String token) {
    long now = System.currentTimeMillis();
    // A finished card order, its e-mail sent.
    call(redis, order(DONE, "completed", List.of(foreignFile, secondFile), now));
    call(redis, Request.cmd(Command.EXPIRE).arg("session:" + DONE).arg(86_400));
    call(redis, file(foreignFile, DONE, 1, "completed", now));
    call(redis, file(secondFile, DONE, 2, "completed", now));
    call(redis, Request.cmd(Command.SET).arg("mail:sent:order-ended:" + DONE).arg(now));
    call(redis, Request.cmd(Command.SET).arg("stripe:event:evt_legacy").arg("1"));
    call(redis, Request.cmd(Command.HSET).arg("calculation:localhost:8080").arg("urlCount").arg(1));
    call(redis, Request.cmd(Command.RPUSH).arg("calculation:localhost:8080:urls").arg("http://localhost:8080/"));
    // A paid card order whose job a worker of the stopped engine had taken.
    call(redis, order(RUNNING, "processing", List.of(runningFile), now));
    call(redis, file(runningFile, RUNNING, 1, "pending", now));
    call(redis, Request.cmd(Command.XGROUP).arg("CREATE").arg("jobs:generation").arg("generation").arg("0")
        .arg("MKSTREAM"));
    String entry = call(redis, Request.cmd(Command.XADD).arg("jobs:generation").arg("*").arg("sessionId").arg(RUNNING)
        .arg("fileId").arg(runningFile)).toString();
    call(redis, Request.cmd(Command.XREADGROUP).arg("GROUP").arg("generation").arg("worker-of-the-old-engine")
        .arg("COUNT").arg(10).arg("STREAMS").arg("jobs:generation").arg(">"));
    call(redis, Request.cmd(Command.HSET).arg("file:" + runningFile).arg("jobEntry").arg(entry));
    call(redis, Request.cmd(Command.ZADD).arg("files:active").arg(now).arg(runningFile));
    // A credit order of a plan with the priority queue, its job not read yet.
    call(redis, order(CREDIT_ORDER, "processing", List.of(creditFile), now));
    call(redis, Request.cmd(Command.HSET).arg("session:" + CREDIT_ORDER).arg("kind").arg("credits")
        .arg("accountId").arg(ACCOUNT).arg("type").arg("image").arg("unitCost").arg(100));
    call(redis, file(creditFile, CREDIT_ORDER, 1, "pending", now));
    String priorityEntry = call(redis, Request.cmd(Command.XADD).arg("jobs:generation:priority").arg("*")
        .arg("sessionId").arg(CREDIT_ORDER).arg("fileId").arg(creditFile)).toString();
    call(redis, Request.cmd(Command.HSET).arg("file:" + creditFile).arg("jobEntry").arg(priorityEntry)
        .arg("jobStream").arg("jobs:generation:priority").arg("type").arg("image"));
    call(redis, Request.cmd(Command.ZADD).arg("files:active").arg(now).arg(creditFile));
    // An order nobody paid yet, watched by reconciliation.
    call(redis, order(PENDING, "pending", List.of(), now));
    call(redis, Request.cmd(Command.ZADD).arg("sessions:pending").arg(now).arg(PENDING));
    // An account signed in, with a ledger written by today's code and renamed to the old names.
    call(redis, Request.cmd(Command.HSET).arg("account:" + ACCOUNT).arg("id").arg(ACCOUNT)
        .arg("email").arg("legacy@example.test").arg("plan").arg("pro").arg("createdAt").arg("2026-01-01T00:00:00Z"));
    call(redis, Request.cmd(Command.SET).arg("auth:session:" + Tokens.sha256(token)).arg(ACCOUNT));
    writeLegacyLedger(redis);
  }

  private static void writeLegacyLedger(RedisConnection connection) {
    Redis client = RedisClients.create(vertx, "redis://127.0.0.1:" + port(connection), "fixture");
    try {
      Ledger ledger = new Ledger(client, Clock.systemUTC(), 10_000);
      await(ledger.grant(ACCOUNT, EntryType.PURCHASE, 5_000, "cs_test_legacyPurchase", null, "50 credits"));
      await(ledger.spend(ACCOUNT, 750, "ord_legacySpend", "image", "sandbox-image", "an image"));
    } finally {
      client.close();
    }
    String stream = LedgerKeys.stream(TestKeys.SHARDS, ACCOUNT);
    for (String suffix : List.of("", ":state", ":buckets", ":live", ":applied", ":spends")) {
      call(connection, Request.cmd(Command.RENAME).arg(stream + suffix).arg("ledger:{" + ACCOUNT + "}" + suffix));
    }
    for (Response key : call(connection, Request.cmd(Command.KEYS).arg("usage:*"))) {
      String day = key.toString().substring(key.toString().lastIndexOf(':') + 1);
      call(connection, Request.cmd(Command.RENAME).arg(key.toString()).arg("usage:{" + ACCOUNT + "}:" + day));
    }
  }

  private static Request order(String sessionId, String status, List<String> fileIds, long now) {
    return Request.cmd(Command.HSET).arg("session:" + sessionId).arg("sessionId").arg(sessionId)
        .arg("status").arg(status).arg("version").arg(3).arg("fileIds").arg(new JsonArray(fileIds).encode())
        .arg("error").arg("").arg("prompt").arg("a legacy order").arg("videoCount").arg(Math.max(1, fileIds.size()))
        .arg("duration").arg(8).arg("resolution").arg("1080p").arg("style").arg("cinematic").arg("toolSlug").arg("")
        .arg("toolTitle").arg("").arg("locale").arg("en").arg("amountTotal").arg(500L * fileIds.size())
        .arg("currency").arg("usd").arg("createdAt").arg(now).arg("updatedAt").arg(now).arg("paidAt").arg(now);
  }

  private static Request file(String fileId, String sessionId, int index, String status, long now) {
    Request file = Request.cmd(Command.HSET).arg("file:" + fileId).arg("id").arg(fileId).arg("sessionId").arg(sessionId)
        .arg("index").arg(index).arg("status").arg(status).arg("version").arg(1).arg("error").arg("")
        .arg("createdAt").arg(now).arg("updatedAt").arg(now);
    return "completed".equals(status)
        ? file.arg("progress").arg(100).arg("url").arg("http://127.0.0.1/legacy/" + fileId + ".mp4")
        : file.arg("progress").arg(0);
  }

  private static String fileIdOutside(int shard) {
    while (true) {
      String id = UUID.randomUUID().toString();
      if (TestKeys.SHARDS.of(id) != shard) {
        return id;
      }
    }
  }

  private static String awaitEnded(TestEngine genpay, String sessionId) {
    for (int check = 0; check < 300; check++) {
      String status = json(genpay, "/api/webhook-status/" + sessionId).getString("status");
      if (!"processing".equals(status)) {
        return status;
      }
      await(genpay.engine.vertx().timer(100));
    }
    return "processing";
  }

  private static JsonObject json(TestEngine genpay, String path) {
    HttpResponse<Buffer> answer = await(genpay.http.get(path).send());
    assertEquals(200, answer.statusCode(), path + ": " + answer.bodyAsString());
    return answer.bodyAsJsonObject();
  }

  private static int port(RedisConnection connection) {
    for (String line : call(connection, Request.cmd(Command.INFO).arg("server")).toString().split("\r?\n")) {
      if (line.startsWith("tcp_port:")) {
        return Integer.parseInt(line.substring("tcp_port:".length()).trim());
      }
    }
    throw new IllegalStateException("no tcp_port in INFO");
  }

  private static boolean exists(RedisConnection redis, String key) {
    return call(redis, Request.cmd(Command.EXISTS).arg(key)).toLong() == 1;
  }

  private static String digest(RedisConnection redis) {
    return call(redis, Request.cmd(Command.DEBUG).arg("DIGEST")).toString();
  }

  private static Response call(RedisConnection redis, Request request) {
    return await(redis.send(request));
  }
}
