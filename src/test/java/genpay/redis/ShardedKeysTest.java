package genpay.redis;

import genpay.accounts.AccountStore;
import genpay.accounts.Tokens;
import genpay.billing.BillingStore;
import genpay.credits.LedgerKeys;
import genpay.mail.MailOutbox;
import genpay.requests.RequestKeys;
import genpay.sessions.RedisKeys;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Each key family carries the tag of its owner's shard, so its scripts touch one tag (DESIGN.md section 18). */
class ShardedKeysTest {

  private final Shards shards = Shards.DEFAULT;

  @Test
  void anOrdersKeysAndItsShardsStreamsAndSetsShareTheOrdersTag() {
    String sessionId = "cs_test_family";
    String tag = shards.tagOf(sessionId);
    String fileId = shards.mintNear(sessionId, () -> UUID.randomUUID().toString());
    assertEquals("session:" + tag + ":" + sessionId, RedisKeys.session(tag, sessionId));
    assertOneTag(tag, RedisKeys.session(tag, sessionId), RedisKeys.file(shards.tagOf(fileId), fileId),
        RedisKeys.stripeEvent(tag, "evt_1"), RedisKeys.pendingSessions(tag), RedisKeys.generationJobs(tag),
        RedisKeys.generationJobsPriority(tag), RedisKeys.activeFiles(tag), RedisKeys.refundsOwed(tag),
        RedisKeys.mailOutbox(MailOutbox.tagOf(shards, MailOutbox.ORDER_ENDED + sessionId)),
        RedisKeys.mailAttempts(tag), MailOutbox.sentKey(shards, MailOutbox.ORDER_ENDED + sessionId));
    assertEquals("jobs:" + tag + ":generation", RedisKeys.generationJobs(tag));
  }

  @Test
  void anAccountsLedgerUsageBillingKeysAndCreditOrdersShareTheAccountsTag() {
    String accountId = Tokens.id("acc_", 24);
    String tag = shards.tagOf(accountId);
    AccountStore accounts = new AccountStore(null, shards, Clock.systemUTC(), 1_000);
    String keyHash = Tokens.sha256(accounts.newApiKey(accountId));
    String creditOrder = shards.mintNear(accountId, () -> Tokens.id("ord_", 24));
    assertEquals("ledger:" + tag + ":" + accountId, LedgerKeys.stream(shards, accountId));
    assertOneTag(tag, LedgerKeys.stream(shards, accountId), LedgerKeys.state(shards, accountId),
        LedgerKeys.buckets(shards, accountId), LedgerKeys.live(shards, accountId),
        LedgerKeys.applied(shards, accountId), LedgerKeys.spends(shards, accountId),
        LedgerKeys.usage(shards, accountId, LocalDate.of(2026, 11, 26)), AccountStore.accountKey(shards, accountId),
        AccountStore.accountKeysKey(shards, accountId), AccountStore.apiKeyKey(shards, keyHash),
        BillingStore.key(shards, accountId), BillingStore.subscribed(tag),
        RedisKeys.session(shards.tagOf(creditOrder), creditOrder));
  }

  @Test
  void aRequestsKeysItsHostnamesLookupAndItsShardsStreamShareOneTag() {
    String id = RequestKeys.newId(shards, "localhost:8080", "ollama");
    String tag = shards.tagOf(id);
    assertEquals(shards.tagOf(RequestKeys.owner("localhost:8080", "ollama")), tag);
    assertOneTag(tag, RequestKeys.request(tag, id), RequestKeys.result(tag, id), RequestKeys.lines(tag, id),
        RequestKeys.open(tag, "localhost:8080", "ollama"), RequestKeys.paid(tag), RedisKeys.requestJobs(tag));
  }

  private static void assertOneTag(String tag, String... keys) {
    for (String key : List.of(keys)) {
      assertEquals(tag, Shards.tagIn(key), key);
    }
  }
}
