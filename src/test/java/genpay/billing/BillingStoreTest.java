package genpay.billing;

import genpay.TestKeys;
import genpay.accounts.AccountStore;
import genpay.redis.EmbeddedRedis;
import genpay.redis.RedisClients;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The stored subscription and the account's plan against the real embedded Redis: newest retrieve wins. */
class BillingStoreTest {

  @TempDir
  static Path dataDir;
  private static EmbeddedRedis server;
  private static Vertx vertx;
  private static Redis redis;
  private static BillingStore store;
  private static AccountStore accounts;

  @BeforeAll
  static void start() {
    server = EmbeddedRedis.start(dataDir, 0, "everysec");
    vertx = Vertx.vertx();
    redis = RedisClients.create(vertx, server.url(), "billing-store-test");
    store = new BillingStore(redis, TestKeys.SHARDS, 10_000);
    accounts = new AccountStore(redis, TestKeys.SHARDS, Clock.systemUTC(), 10_000);
  }

  @AfterAll
  static void stop() {
    redis.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
    server.stop();
  }

  static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static SubscriptionState state(String id, SubscriptionStatus status, long created, long syncedAt) {
    return new SubscriptionState(id, "cus_1", "pro", "monthly", status, false, 100, 200, "clock_1", "in_1", "si_1",
        "price_sandbox_pro_monthly", created, syncedAt);
  }

  static String account() {
    return "acc_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
  }

  @Test
  void anOlderRetrieveNeverOverwritesANewerOneWhicheverArrivesLast() {
    String account = account();
    assertEquals("applied", await(store.store(account, state("sub_1", SubscriptionStatus.CANCELED, 10, 2_000))).outcome());
    BillingStore.Stored late = await(store.store(account, state("sub_1", SubscriptionStatus.ACTIVE, 10, 1_000)));
    assertEquals("stale", late.outcome());
    assertEquals(SubscriptionStatus.CANCELED, late.previous().status());
    assertEquals(SubscriptionStatus.CANCELED, await(store.billing(account)).subscription().status());
    assertEquals(account, await(store.accountOfSubscription("sub_1")));
    assertEquals(List.of(account), await(store.accountsOnClock("clock_1")));
    assertEquals("cus_1", await(store.billing(account)).customerId());
  }

  @Test
  void anotherSubscriptionReplacesTheKeptOneOnlyWhenThatOneIsOverOrTheNewOneIsNewerAndRunning() {
    String account = account();
    await(store.store(account, state("sub_a", SubscriptionStatus.ACTIVE, 100, 1)));
    assertEquals("other", await(store.store(account, state("sub_old", SubscriptionStatus.CANCELED, 50, 2))).outcome(),
        "an old canceled subscription must not put a subscribed account back on free");
    assertEquals("other", await(store.store(account, state("sub_b", SubscriptionStatus.CANCELED, 200, 3))).outcome());
    assertEquals("applied", await(store.store(account, state("sub_c", SubscriptionStatus.ACTIVE, 300, 4))).outcome());
    await(store.store(account, state("sub_c", SubscriptionStatus.CANCELED, 300, 5)));
    assertEquals("applied", await(store.store(account, state("sub_d", SubscriptionStatus.INCOMPLETE, 250, 6))).outcome(),
        "the kept one is over: a new checkout's subscription takes its place");
    assertEquals("sub_d", await(store.billing(account)).subscription().subscriptionId());
  }

  @Test
  void thePlanOfAnEarlierSyncDoesNotOverwriteALaterOnes() {
    String account = account();
    assertEquals(AccountStore.PlanWrite.NO_ACCOUNT, await(accounts.setPlan(account, "pro", 10)));
    String id = await(accounts.signIn(account + "@example.test", "h" + account)).accountId();
    assertEquals(AccountStore.PlanWrite.SET, await(accounts.setPlan(id, "free", 20)));
    assertEquals(AccountStore.PlanWrite.KEPT_NEWER, await(accounts.setPlan(id, "pro", 10)));
    assertEquals("free", await(accounts.account(id)).plan());
    assertEquals(AccountStore.PlanWrite.SET, await(accounts.setPlan(id, "enterprise", 30)));
    assertEquals("enterprise", await(accounts.account(id)).plan());
    assertNull(await(store.billing(id)).subscription());
  }
}
