package genpay.credits;

import genpay.redis.Shards;

import java.time.LocalDate;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Every Redis key of one account's credits, derived from its id alone. Each carries the tag of the account's shard
 * ({@code ledger:{s17}:acc_…}, DESIGN.md section 18), a Redis Cluster hash tag, so all of them land in one slot
 * and one script may touch them together.
 */
public final class LedgerKeys {

  /** No braces (they would change the hash tag), nothing a key or a log line could trip on. */
  private static final Pattern ACCOUNT_ID = Pattern.compile("^[A-Za-z0-9_-]{1,64}$");

  private LedgerKeys() {
  }

  public static String checkAccount(String accountId) {
    if (accountId == null || !ACCOUNT_ID.matcher(accountId).matches()) {
      throw new IllegalArgumentException("account id must be 1 to 64 letters, digits, '_' or '-'");
    }
    return accountId;
  }

  /** The append-only stream of entries. */
  public static String stream(Shards shards, String accountId) {
    return "ledger:" + shards.tagOf(accountId) + ":" + accountId;
  }

  /** Hash: {@code balance}, {@code seq} (the last bucket number). */
  public static String state(Shards shards, String accountId) {
    return stream(shards, accountId) + ":state";
  }

  /** Hash: bucket id → JSON {@code {id, type, source_id, granted, remaining, expires, seq}}. */
  public static String buckets(Shards shards, String accountId) {
    return stream(shards, accountId) + ":buckets";
  }

  /** Sorted set: the buckets holding credits, scored in spend order. */
  public static String live(Shards shards, String accountId) {
    return stream(shards, accountId) + ":live";
  }

  /** Hash: {@code type:source_id} → the result the first time gave; a repeat returns it. */
  public static String applied(Shards shards, String accountId) {
    return stream(shards, accountId) + ":applied";
  }

  /** Hash: a spend's source id → {@code {amount, refunded, parts:[[bucket, taken, given back]], operation, model}}. */
  public static String spends(Shards shards, String accountId) {
    return stream(shards, accountId) + ":spends";
  }

  /** Hash of one UTC day: credits, count, type:{t}:credits|count, model:{m}:credits|count, refunded, refunds. */
  public static String usage(Shards shards, String accountId, LocalDate day) {
    return "usage:" + shards.tagOf(accountId) + ":" + accountId + ":" + day;
  }

  /** KEYS of every ledger write script, in the order ledger_prelude.lua reads them. */
  static List<String> forWrite(Shards shards, String accountId, LocalDate day) {
    return List.of(state(shards, accountId), buckets(shards, accountId), live(shards, accountId),
        applied(shards, accountId), stream(shards, accountId), spends(shards, accountId), usage(shards, accountId, day));
  }
}
