package genpay.credits;

import genpay.TestKeys;
import genpay.redis.EmbeddedRedis;
import genpay.redis.RedisClients;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ledger's scripts against the real embedded Redis: once per source, never below zero, buckets in order. */
class LedgerTest {

  @TempDir
  static Path dataDir;
  private static EmbeddedRedis server;
  private static Vertx vertx;
  private static Redis redis;
  private static final TestClock clock = new TestClock(Instant.parse("2025-03-10T12:00:00Z"));
  private static Ledger ledger;

  /** A clock the tests move forward, so expiry needs no waiting. */
  static final class TestClock extends Clock {
    private final AtomicLong millis;

    TestClock(Instant start) {
      millis = new AtomicLong(start.toEpochMilli());
    }

    void advance(Duration by) {
      millis.addAndGet(by.toMillis());
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis.get());
    }
  }

  @BeforeAll
  static void start() {
    server = EmbeddedRedis.start(dataDir, 0, "everysec");
    vertx = Vertx.vertx();
    redis = RedisClients.create(vertx, server.url(), "ledger-test");
    ledger = new Ledger(redis, clock, 30_000);
  }

  @AfterAll
  static void stop() {
    redis.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
    server.stop();
  }

  static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static String account() {
    return "acc_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
  }

  /** Every entry of the stream, oldest first. */
  static List<Map<String, String>> stream(String account) {
    Response entries = await(redis.send(Request.cmd(Command.XRANGE).arg(LedgerKeys.stream(TestKeys.SHARDS, account)).arg("-")
        .arg("+")));
    List<Map<String, String>> result = new ArrayList<>();
    for (Response entry : entries) {
      Map<String, String> fields = new HashMap<>();
      Response raw = entry.get(1);
      for (int i = 0; i + 1 < raw.size(); i += 2) {
        fields.put(raw.get(i).toString(), raw.get(i + 1).toString());
      }
      result.add(fields);
    }
    return result;
  }

  /** Remaining of every bucket the account ever had, exhausted and expired ones included (they hold 0). */
  static long allBucketsRemaining(String account) {
    Response all = await(redis.send(Request.cmd(Command.HVALS).arg(LedgerKeys.buckets(TestKeys.SHARDS, account))));
    long sum = 0;
    for (Response bucket : all) {
      long remaining = new JsonObject(bucket.toString()).getLong("remaining");
      assertTrue(remaining >= 0, "a bucket below zero: " + bucket);
      sum += remaining;
    }
    return sum;
  }

  @Test
  void aRefundThatReachesRedisAfterTheExpiryCannotBringTheExpiredBucketBack() {
    String account = "acc_late" + System.nanoTime();
    Instant start = Instant.parse("2025-05-01T00:00:00Z");
    Ledger early = new Ledger(redis, Clock.fixed(start, java.time.ZoneOffset.UTC), 30_000);
    Ledger late = new Ledger(redis, Clock.fixed(start.plus(Duration.ofMinutes(10)), java.time.ZoneOffset.UTC), 30_000);
    await(early.grant(account, EntryType.SUBSCRIPTION_GRANT, 500, "sub-1", start.plus(Duration.ofMinutes(5)), "month"));
    await(early.spend(account, 200, "order-1", "image", "m", "two images"));
    assertEquals(1, await(late.expire(account)), "the month ends: what is left leaves with an expiry entry");
    // A refund sent before the month ended, by a caller whose clock is behind, reaches Redis only now.
    await(early.refund(account, 200, "refund:order-1", "order-1", "the images failed"));
    assertEquals(200, assertConsistent(account), "the refund lands in a bucket of its own, not the expired one");
    assertEquals(0, await(late.expire(account)), "and nothing expires twice");
    assertEquals(200, assertConsistent(account));
  }

  /** The ledger's three views of the balance agree, and no entry ever left it below zero. */
  static long assertConsistent(String account) {
    List<Map<String, String>> entries = stream(account);
    long streamSum = 0;
    for (Map<String, String> entry : entries) {
      streamSum += Long.parseLong(entry.get("amount"));
      assertEquals(streamSum, Long.parseLong(entry.get("balance_after")), "balance_after follows the amounts");
      assertTrue(streamSum >= 0, "the balance went below zero at " + entry);
    }
    Balance balance = await(ledger.balance(account));
    assertEquals(streamSum, balance.balance(), "the stream's amounts sum to the balance");
    assertEquals(balance.balance(), allBucketsRemaining(account), "the buckets hold the balance");
    assertEquals(balance.balance(), balance.bucketsTotal(), "the live buckets hold the balance");
    return balance.balance();
  }

  /** What a webhook handler takes from a Checkout Session event: the session is the source, not the event. */
  private static Future<LedgerOutcome> grantFromEvent(String account, JsonObject event) {
    JsonObject session = event.getJsonObject("data").getJsonObject("object");
    return ledger.grant(account, EntryType.PURCHASE, Credits.parse(session.getJsonObject("metadata")
        .getString("credits")), session.getString("id"), null, "package starter");
  }

  private static JsonObject event(String eventId, String sessionId) {
    return new JsonObject().put("id", eventId).put("type", "checkout.session.completed").put("data",
        new JsonObject().put("object", new JsonObject().put("id", sessionId)
            .put("metadata", new JsonObject().put("credits", "50"))));
  }

  @Test
  void theSameStripeEventFiftyTimesAtOnceGrantsOnce() {
    String account = account();
    String sessionId = "cs_test_" + UUID.randomUUID().toString().replace("-", "");
    JsonObject event = event("evt_1", sessionId);
    List<Future<LedgerOutcome>> all = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      all.add(grantFromEvent(account, event));
    }
    await(Future.all(all));
    long fresh = all.stream().filter(f -> !((LedgerOutcome.Applied) f.result()).duplicate()).count();
    assertEquals(1, fresh, "exactly one of 50 applies");
    all.forEach(f -> assertEquals(5000, ((LedgerOutcome.Applied) f.result()).balance(), "every answer says 50.00"));
    // Stripe's async_payment_succeeded (another event id) for the same Checkout Session: still once.
    LedgerOutcome second = await(grantFromEvent(account, event("evt_2", sessionId)));
    assertTrue(((LedgerOutcome.Applied) second).duplicate());
    List<Map<String, String>> entries = stream(account);
    assertEquals(1, entries.size());
    assertEquals("purchase", entries.get(0).get("type"));
    assertEquals(sessionId, entries.get(0).get("source_id"));
    assertEquals("checkout_session", entries.get(0).get("source"));
    // Its bonus shares the session id but is its own entry, once too.
    await(ledger.grant(account, EntryType.BONUS, 500, sessionId, null, "bonus"));
    await(ledger.grant(account, EntryType.BONUS, 500, sessionId, null, "bonus"));
    assertEquals(5500, assertConsistent(account));
    assertEquals(2, stream(account).size());
  }

  @Test
  void twentyConcurrentSpendsOfTwoAgainstTenAcceptFive() {
    String account = account();
    await(ledger.grant(account, EntryType.PURCHASE, 1000, "cs_test_ten", null, "ten"));
    List<Future<LedgerOutcome>> all = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      all.add(ledger.spend(account, 200, "ord_" + i, "video", "veo3", "spend " + i));
    }
    await(Future.all(all));
    List<LedgerOutcome> outcomes = all.stream().map(Future::result).toList();
    assertEquals(5, outcomes.stream().filter(o -> o instanceof LedgerOutcome.Applied).count());
    List<LedgerOutcome.Refused> refused = outcomes.stream().filter(o -> o instanceof LedgerOutcome.Refused)
        .map(o -> (LedgerOutcome.Refused) o).toList();
    assertEquals(15, refused.size());
    refused.forEach(r -> {
      assertEquals("insufficient-credits", r.reason());
      assertEquals(200, r.needed());
      assertTrue(r.balance() < 200 && r.balance() >= 0, "refused with what the account held: " + r);
    });
    assertTrue(refused.stream().anyMatch(r -> r.balance() == 0));
    assertEquals(0, assertConsistent(account));
    assertEquals(6, stream(account).size(), "one grant and five usage entries; refusals write nothing");
    assertEquals(new JsonObject().put("status", "refused").put("reason", "insufficient-credits")
        .put("needed", 2.0).put("balance", 0.0), refused.stream().filter(r -> r.balance() == 0).findFirst()
        .orElseThrow().toJson());
  }

  @Test
  void aSpendTakesTheSoonestExpiringBucketFirstThenPurchasesOldestFirstAndExpiresOnce() {
    String account = account();
    Instant now = clock.instant();
    await(ledger.grant(account, EntryType.PURCHASE, 300, "cs_old", null, "older purchase"));
    await(ledger.grant(account, EntryType.PURCHASE, 300, "cs_new", null, "newer purchase"));
    await(ledger.grant(account, EntryType.SUBSCRIPTION_GRANT, 500, "in_later", now.plus(Duration.ofDays(20)), "pro"));
    await(ledger.grant(account, EntryType.FREE_GRANT, 200, "free:soon", now.plus(Duration.ofDays(2)), "free"));
    // 8.00: the free grant (soonest), the subscription, then 1.00 of the older purchase.
    LedgerOutcome first = await(ledger.spend(account, 800, "ord_a", "video", "veo3", "a"));
    assertEquals(500, ((LedgerOutcome.Applied) first).balance());
    assertEquals(List.of("cs_old:200", "cs_new:300"), await(ledger.balance(account)).buckets().stream()
        .map(b -> b.sourceId() + ":" + b.remaining()).toList());
    // 4.00: the rest of the older purchase, then 2.00 of the newer.
    await(ledger.spend(account, 400, "ord_b", "image", "flux", "b"));
    assertEquals(List.of("cs_new:100"), await(ledger.balance(account)).buckets().stream()
        .map(b -> b.sourceId() + ":" + b.remaining()).toList());
    assertEquals("b0000000004,b0000000003,b0000000001", stream(account).get(4).get("bucket"),
        "the usage entry names the buckets it took from, in order");
    assertConsistent(account);

    String expiring = account();
    await(ledger.grant(expiring, EntryType.PURCHASE, 100, "cs_keep", null, "keeps"));
    await(ledger.grant(expiring, EntryType.SUBSCRIPTION_GRANT, 500, "in_month", now.plus(Duration.ofDays(1)), "m"));
    await(ledger.spend(expiring, 200, "ord_c", "video", "veo3", "c"));
    clock.advance(Duration.ofDays(1));
    // Past its end: every operation expires it first, and expire() finds nothing more to do.
    LedgerOutcome refused = await(ledger.spend(expiring, 200, "ord_d", "video", "veo3", "d"));
    assertEquals(new LedgerOutcome.Refused("insufficient-credits", 200, 100), refused);
    assertEquals(0, await(ledger.expire(expiring)));
    assertEquals(0, await(ledger.expire(expiring)));
    List<Map<String, String>> expiries = stream(expiring).stream().filter(e -> "expiry".equals(e.get("type")))
        .toList();
    assertEquals(1, expiries.size(), "one expiry entry");
    assertEquals("-300", expiries.get(0).get("amount"));
    assertEquals(100, assertConsistent(expiring));
  }

  @Test
  void anExplicitExpireWritesTheEntryOnce() {
    String account = account();
    await(ledger.grant(account, EntryType.SUBSCRIPTION_GRANT, 700, "in_x", clock.instant().plusSeconds(60), "x"));
    clock.advance(Duration.ofSeconds(61));
    List<Future<Integer>> all = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      all.add(ledger.expire(account));
    }
    await(Future.all(all));
    assertEquals(1, all.stream().mapToInt(Future::result).sum(), "ten concurrent expires write one entry");
    assertEquals(0, assertConsistent(account));
    assertEquals(List.of("subscription_grant", "expiry"), stream(account).stream().map(e -> e.get("type")).toList());
  }

  @Test
  void aRefundGivesBackToItsBucketsNeverMoreThanWasSpentAndOnce() {
    String account = account();
    await(ledger.grant(account, EntryType.SUBSCRIPTION_GRANT, 1000, "in_r", clock.instant().plus(Duration.ofDays(1)),
        "r"));
    await(ledger.grant(account, EntryType.PURCHASE, 1000, "cs_r", null, "p"));
    await(ledger.spend(account, 1500, "ord_r", "video", "veo3", "three videos"));
    // Newest part first: the purchase's 5.00 comes back to it.
    LedgerOutcome one = await(ledger.refund(account, 500, "file_1", "ord_r", "file 1 failed"));
    assertEquals(1000, ((LedgerOutcome.Applied) one).balance());
    assertTrue(((LedgerOutcome.Applied) await(ledger.refund(account, 500, "file_1", "ord_r", "again"))).duplicate());
    assertEquals(List.of("cs_r:1000"), await(ledger.balance(account)).buckets().stream()
        .map(b -> b.sourceId() + ":" + b.remaining()).toList());
    // The subscription's share comes back after it expired: into a bucket that never expires.
    clock.advance(Duration.ofDays(1));
    await(ledger.refund(account, 500, "file_2", "ord_r", "file 2 failed"));
    Balance balance = await(ledger.balance(account));
    assertEquals(1500, balance.balance());
    assertTrue(balance.buckets().stream().anyMatch(b -> b.source().equals("refund") && b.expiresAt() == null
        && b.remaining() == 500), balance.toString());
    // 5.00 is left of 15.00: 5.01 more is refused whole, 5.00 is not, and then nothing is.
    assertEquals(new LedgerOutcome.Refused("exceeds-spend", 501, 500),
        await(ledger.refund(account, 501, "file_3", "ord_r", "too much")));
    assertInstanceOf(LedgerOutcome.Applied.class, await(ledger.refund(account, 500, "file_3", "ord_r", "file 3")));
    assertEquals(new LedgerOutcome.Refused("exceeds-spend", 1, 0),
        await(ledger.refund(account, 1, "file_4", "ord_r", "more")));
    assertEquals(new LedgerOutcome.Refused("unknown-spend", 100, 0),
        await(ledger.refund(account, 100, "file_5", "ord_none", "none")));
    assertEquals(2000, assertConsistent(account));
  }

  @Test
  void aGrantAtALaterTimeMovesTheLedgerTimeSoThePreviousPeriodsGrantExpiresFirst() {
    String account = account();
    Instant now = clock.instant();
    // A subscription on a test clock: its periods lie ahead of the real now.
    Instant periodOne = now.plus(Duration.ofDays(40));
    Instant periodTwo = periodOne.plus(Duration.ofDays(31));
    Instant periodThree = periodTwo.plus(Duration.ofDays(30));
    LedgerOutcome first = await(ledger.grant(account, EntryType.SUBSCRIPTION_GRANT, 50000, "in_first", periodTwo,
        "pro plan, first month", periodOne));
    assertInstanceOf(LedgerOutcome.Applied.class, first);
    await(ledger.spend(account, 12000, "ord_some", "image", "model-a", "spent in month one"));
    LedgerOutcome second = await(ledger.grant(account, EntryType.SUBSCRIPTION_GRANT, 50000, "in_second",
        periodThree, "pro plan, second month", periodTwo.plusSeconds(5)));
    assertEquals(50000, ((LedgerOutcome.Applied) second).balance(), "the first month's 380 left before the new 500");

    List<Map<String, String>> entries = stream(account);
    assertEquals(List.of("subscription_grant", "usage", "expiry", "subscription_grant"),
        entries.stream().map(e -> e.get("type")).toList());
    assertEquals("-38000", entries.get(2).get("amount"));
    assertEquals(Long.toString(periodTwo.plusSeconds(5).toEpochMilli()), entries.get(2).get("at"),
        "written at the grant's time, not the real now");
    assertEquals(Long.toString(periodOne.toEpochMilli()), entries.get(0).get("at"));
    // The real clock is far behind; the account's time never goes back, so the expired bucket stays expired.
    assertEquals(50000, await(ledger.balance(account)).balance());
    LedgerOutcome earlier = await(ledger.grant(account, EntryType.SUBSCRIPTION_GRANT, 100, "in_late", periodTwo,
        "a grant of an expired period", null));
    assertInstanceOf(LedgerOutcome.Refused.class, earlier, "the account's time is past that period's end");
  }

  @Test
  void theFreePlanGrantsOncePerCalendarMonthAndExpiresAtItsEnd() {
    String account = account();
    List<Future<LedgerOutcome>> all = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      all.add(ledger.freeGrant(account, 1000));
    }
    await(Future.all(all));
    assertEquals(1, all.stream().filter(f -> !((LedgerOutcome.Applied) f.result()).duplicate()).count());
    YearMonth month = YearMonth.from(clock.instant().atZone(ZoneOffset.UTC));
    Balance balance = await(ledger.balance(account));
    assertEquals(1, balance.buckets().size());
    assertEquals(Ledger.freeSourceId(account, month), balance.buckets().get(0).sourceId());
    assertEquals(month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant(),
        balance.buckets().get(0).expiresAt());
    assertEquals("free:" + account + ":" + month, stream(account).get(0).get("source_id"));
  }

  @Test
  void entriesPageNewestFirstWithTypeAndTextFiltersAndUsageAggregates() {
    String account = account();
    await(ledger.grant(account, EntryType.PURCHASE, 10000, "cs_page", null, "package basic"));
    for (int i = 0; i < 12; i++) {
      await(ledger.spend(account, 100 + i, "ord_p" + i, i % 3 == 0 ? "image" : "video",
          i % 2 == 0 ? "google-cloud/veo3-text2video" : "flux-pro", "order " + i));
    }
    await(ledger.refund(account, 100, "file_p", "ord_p0", "failed file"));
    EntryPage all = await(ledger.entries(account, 1, 5, null, null));
    assertEquals(14, all.total());
    assertEquals(List.of("refund", "usage", "usage", "usage", "usage"), all.items().stream().map(Entry::type).toList());
    assertEquals("ord_p11", all.items().get(1).sourceId(), "newest first");
    EntryPage third = await(ledger.entries(account, 3, 5, null, null));
    assertEquals(List.of("ord_p2", "ord_p1", "ord_p0", "cs_page"), third.items().stream().map(Entry::sourceId)
        .toList());
    EntryPage usage = await(ledger.entries(account, 2, 5, EntryType.USAGE, null));
    assertEquals(12, usage.total());
    assertEquals("ord_p6", usage.items().get(0).sourceId());
    EntryPage flux = await(ledger.entries(account, 1, 20, EntryType.USAGE, "FLUX"));
    assertEquals(6, flux.total());
    EntryPage bySource = await(ledger.entries(account, 1, 20, null, "ord_p1"));
    assertEquals(List.of("ord_p11", "ord_p10", "ord_p1"), bySource.items().stream().map(Entry::sourceId).toList());
    assertEquals(-1.11, bySource.toJson().getJsonArray("items").getJsonObject(0).getDouble("amount"));

    long spent = 0;
    for (int i = 0; i < 12; i++) {
      spent += 100 + i;
    }
    LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    UsageDay summary = await(ledger.usageSummary(account, today.minusDays(1), today));
    assertEquals(spent, summary.credits());
    assertEquals(12, summary.count());
    assertEquals(100, summary.refunded());
    assertEquals(4, summary.byType().get("image").count());
    assertEquals(100 + 103 + 106 + 109, summary.byType().get("image").credits());
    assertEquals(6, summary.byModel().get("google-cloud/veo3-text2video").count());
    assertEquals(summary.byModel(), await(ledger.usageByModel(account, today, today)));
    List<UsageDay> daily = await(ledger.usageDaily(account, 30));
    assertEquals(30, daily.size());
    assertEquals(today, daily.get(29).from());
    assertEquals(spent, daily.get(29).credits());
    assertEquals(0, daily.get(0).credits());
  }

  @Test
  void badInputFailsAndWritesNothing() {
    String account = account();
    assertTrue(ledger.spend(account, 0, "ord", "video", "veo3", "").failed());
    assertTrue(ledger.spend("acc{x}", 100, "ord", "video", "veo3", "").failed());
    assertTrue(ledger.spend(account, 100, "ord", "video", "a:b", "").failed());
    assertTrue(ledger.grant(account, EntryType.USAGE, 100, "x", null, "").failed());
    assertTrue(ledger.grant(account, EntryType.PURCHASE, 100, "x", clock.instant().plusSeconds(5), "").failed());
    assertEquals(0, stream(account).size());
  }

  /**
   * 10 000 operations, seeded, in concurrent batches: grants of every kind, spends, refunds (valid, too large, of
   * unknown spends), repeats of each, explicit expiries, and time moving past bucket ends. Afterwards the stream's
   * amounts sum to the balance, the buckets hold it, and no balance_after or bucket was ever below zero.
   */
  @Test
  void aSeededRandomRunOfTenThousandOperationsKeepsTheBooks() {
    Random random = new Random(14);
    String account = account();
    List<String> spends = new ArrayList<>();
    List<Future<?>> repeats = new ArrayList<>();
    Map<String, Long> spentBy = new HashMap<>();
    int ops = 0;
    int refusedSpends = 0;
    while (ops < 10_000) {
      List<Future<LedgerOutcome>> batch = new ArrayList<>();
      List<String> batchSpends = new ArrayList<>();
      for (int i = 0; i < 20 && ops < 10_000; i++, ops++) {
        int pick = random.nextInt(100);
        long amount = 1 + random.nextInt(2_000);
        if (pick < 15) {
          EntryType type = List.of(EntryType.PURCHASE, EntryType.BONUS, EntryType.SUBSCRIPTION_GRANT,
              EntryType.FREE_GRANT, EntryType.ADJUSTMENT).get(random.nextInt(5));
          Instant expires = type == EntryType.SUBSCRIPTION_GRANT || type == EntryType.FREE_GRANT
              ? clock.instant().plus(Duration.ofMinutes(1 + random.nextInt(600))) : null;
          batch.add(ledger.grant(account, type, amount, "g" + ops, expires, "grant " + ops));
        } else if (pick < 65) {
          String source = "s" + ops;
          batchSpends.add(source);
          spentBy.put(source, amount);
          batch.add(ledger.spend(account, amount, source, random.nextBoolean() ? "video" : "image",
              random.nextBoolean() ? "veo3" : "flux", "spend " + ops));
        } else if (pick < 80 && !spends.isEmpty()) {
          String spent = spends.get(random.nextInt(spends.size()));
          long back = 1 + random.nextInt((int) Math.max(1, spentBy.get(spent) / 2));
          batch.add(ledger.refund(account, back, "r" + ops, spent, "refund " + ops));
        } else if (pick < 83) {
          batch.add(ledger.refund(account, amount, "r" + ops, "s-never", "unknown spend"));
        } else if (pick < 93) {
          // A repeat of an earlier source id of any kind: must be a no-op.
          int earlier = random.nextInt(Math.max(1, ops));
          batch.add(ledger.grant(account, EntryType.PURCHASE, amount, "g" + earlier, null, "repeat"));
          batch.add(ledger.spend(account, amount, "s" + earlier, "video", "veo3", "repeat"));
          batch.add(ledger.refund(account, 1, "r" + earlier, spends.isEmpty() ? "s-never" : spends.get(0), "repeat"));
        } else if (pick < 96) {
          repeats.add(ledger.expire(account));
        } else {
          clock.advance(Duration.ofMinutes(random.nextInt(120)));
        }
      }
      await(Future.join(new ArrayList<>(batch)).otherwiseEmpty());
      for (Future<LedgerOutcome> future : batch) {
        assertTrue(future.succeeded(), () -> "no operation fails: " + future.cause());
      }
      for (int i = 0; i < batchSpends.size(); i++) {
        spends.add(batchSpends.get(i));
      }
      refusedSpends += (int) batch.stream().filter(f -> f.result() instanceof LedgerOutcome.Refused r
          && r.reason().equals("insufficient-credits")).count();
    }
    await(Future.join(new ArrayList<>(repeats)).otherwiseEmpty());
    clock.advance(Duration.ofDays(30));
    await(ledger.expire(account));
    assertTrue(refusedSpends > 100, "the run reached an empty balance often: " + refusedSpends);
    List<Map<String, String>> entries = stream(account);
    Map<String, Integer> seen = new HashMap<>();
    Map<String, Long> refundedFor = new HashMap<>();
    for (Map<String, String> entry : entries) {
      String key = entry.get("type") + ":" + entry.get("source_id");
      assertEquals(1, seen.merge(key, 1, Integer::sum), "one entry per source: " + key);
    }
    assertTrue(seen.keySet().stream().anyMatch(k -> k.startsWith("expiry:")), "buckets expired along the way");
    assertTrue(seen.keySet().stream().anyMatch(k -> k.startsWith("refund:")), "refunds were applied");
    // Never more back than a spend took.
    Response spendRecords = await(redis.send(Request.cmd(Command.HVALS).arg(LedgerKeys.spends(TestKeys.SHARDS, account))));
    for (Response record : spendRecords) {
      JsonObject spend = new JsonObject(record.toString());
      assertTrue(spend.getLong("refunded") <= spend.getLong("amount"), spend.encode());
    }
    assertConsistent(account);
    assertTrue(await(ledger.balance(account)).buckets().stream().allMatch(b -> b.expiresAt() == null),
        "after every period's end only buckets that never expire hold credits");
  }
}
