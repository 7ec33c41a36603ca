package genpay.credits;

import genpay.redis.LuaScript;
import genpay.redis.RedisClients;
import genpay.redis.Shards;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Response;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The credits ledger of every account. Each write is one atomic Lua script keyed by the id of what caused it
 * ({@code type:source_id}): it checks that source was not applied, moves the balance and the buckets, appends the
 * entry to the account's stream and (for usage) the day's aggregates, so a repeat is a no-op that returns the
 * first result. Amounts are integer hundredths of a credit.
 */
public final class Ledger {

  private static final String PRELUDE = "/lua/ledger_prelude.lua";
  private static final LuaScript GRANT = LuaScript.fromResources(PRELUDE, "/lua/ledger_grant.lua").critical();
  private static final LuaScript SPEND = LuaScript.fromResources(PRELUDE, "/lua/ledger_spend.lua").critical();
  private static final LuaScript REFUND = LuaScript.fromResources(PRELUDE, "/lua/ledger_refund.lua").critical();
  private static final LuaScript EXPIRE = LuaScript.fromResources(PRELUDE, "/lua/ledger_expire.lua");
  private static final LuaScript ENTRIES = LuaScript.fromResources("/lua/ledger_entries.lua");
  private static final LuaScript USAGE = LuaScript.fromResources("/lua/ledger_usage.lua");

  /** Usage aggregates stay this long after the day's last write: a year of charts, and then some. */
  static final Duration USAGE_KEPT = Duration.ofDays(400);
  public static final int MAX_PAGE_SIZE = 100;
  private static final long MAX_AMOUNT = 1_000_000_000_00L;

  private final Redis redis;
  private final Shards shards;
  private final Clock clock;
  private final long timeoutMs;

  public Ledger(Redis redis, Clock clock) {
    this(redis, Shards.DEFAULT, clock, RedisClients.COMMAND_TIMEOUT_MS);
  }

  /** With the default deployment's shards (REDIS_SHARDS unset): for tools and tests. */
  public Ledger(Redis redis, Clock clock, long timeoutMs) {
    this(redis, Shards.DEFAULT, clock, timeoutMs);
  }

  public Ledger(Redis redis, Shards shards, Clock clock, long timeoutMs) {
    this.redis = redis;
    this.shards = shards;
    this.clock = clock;
    this.timeoutMs = timeoutMs;
  }

  /**
   * A bucket of {@code amount}: purchase, bonus, subscription_grant, free_grant or adjustment. Once per
   * {@code type} and {@code sourceId} (a purchase and its bonus share the Checkout Session id). {@code expiresAt}
   * null: never expires (purchase and bonus must not).
   */
  public Future<LedgerOutcome> grant(String accountId, EntryType type, long amount, String sourceId,
                                     Instant expiresAt, String description) {
    return grant(accountId, type, amount, sourceId, expiresAt, description, null);
  }

  /**
   * The same, happening {@code at} (null: now): the account's ledger time moves to max(now, at). A subscription
   * grant passes its invoice's payment time, which on a Stripe test clock may lie ahead of the real now, so the
   * previous period's grant expires (an expiry entry) when the next one's arrives.
   */
  public Future<LedgerOutcome> grant(String accountId, EntryType type, long amount, String sourceId,
                                     Instant expiresAt, String description, Instant at) {
    return guard(() -> {
      if (!type.grant()) {
        throw new IllegalArgumentException("a " + type.wire() + " entry is not a grant");
      }
      if (expiresAt != null && (type == EntryType.PURCHASE || type == EntryType.BONUS)) {
        throw new IllegalArgumentException("purchases and bonuses never expire");
      }
      long now = at == null ? clock.millis() : Math.max(clock.millis(), at.toEpochMilli());
      List<String> args = List.of(Long.toString(now), type.wire(), Long.toString(checkAmount(amount)),
          checkSource(sourceId), Long.toString(expiresAt == null ? 0 : Math.max(1, expiresAt.toEpochMilli())),
          text(description), type.source());
      return write(GRANT, accountId, now, args);
    });
  }

  /** The free plan's 10 credits (or {@code amount}) of this calendar month (UTC), once, expiring at its end. */
  public Future<LedgerOutcome> freeGrant(String accountId, long amount) {
    return guard(() -> {
      YearMonth month = YearMonth.from(clock.instant().atZone(ZoneOffset.UTC));
      Instant end = month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
      return grant(accountId, EntryType.FREE_GRANT, amount, freeSourceId(accountId, month), end,
          "free plan, " + month);
    });
  }

  public static String freeSourceId(String accountId, YearMonth month) {
    return "free:" + accountId + ":" + month;
  }

  /**
   * Spends {@code amount} for {@code sourceId} (the order), once: from the bucket that expires soonest, then
   * purchases oldest first. More than the balance is {@link LedgerOutcome.Refused} whole.
   */
  public Future<LedgerOutcome> spend(String accountId, long amount, String sourceId, String operation, String model,
                                     String description) {
    return guard(() -> {
      long now = clock.millis();
      List<String> args = List.of(Long.toString(now), Long.toString(checkAmount(amount)), checkSource(sourceId),
          label("operation", operation), label("model", model), text(description),
          Long.toString(USAGE_KEPT.toMillis()));
      return write(SPEND, accountId, now, args);
    });
  }

  /**
   * Gives back {@code amount} of the spend {@code spentSourceId}, once per {@code sourceId} (e.g. the failed file),
   * never more than that spend took in all.
   */
  public Future<LedgerOutcome> refund(String accountId, long amount, String sourceId, String spentSourceId,
                                      String description) {
    return guard(() -> {
      long now = clock.millis();
      List<String> args = List.of(Long.toString(now), Long.toString(checkAmount(amount)), checkSource(sourceId),
          checkSource(spentSourceId), text(description), Long.toString(USAGE_KEPT.toMillis()));
      return write(REFUND, accountId, now, args);
    });
  }

  /** Expires every bucket past its time now (every write does too); the number of expiry entries written. */
  public Future<Integer> expire(String accountId) {
    return balanceScript(accountId).map(response -> response.get(0).toInteger());
  }

  /** The balance and the buckets holding credits, in the order a spend takes them (expires what is due first). */
  public Future<Balance> balance(String accountId) {
    return balanceScript(accountId).map(response -> {
      List<Balance.Bucket> buckets = new ArrayList<>();
      Object decoded = io.vertx.core.json.Json.decodeValue(response.get(2).toString());
      if (decoded instanceof JsonArray array) {
        for (Object item : array) {
          JsonObject b = (JsonObject) item;
          long expires = b.getLong("expires");
          buckets.add(new Balance.Bucket(b.getString("id"), b.getString("type"), b.getString("source_id"),
              b.getLong("remaining"), expires == 0 ? null : Instant.ofEpochMilli(expires)));
        }
      }
      return new Balance(response.get(1).toLong(), buckets);
    });
  }

  /** Entries newest first, filtered by {@code type} and a text search over description, source_id and model. */
  public Future<EntryPage> entries(String accountId, int page, int limit, EntryType type, String q) {
    return guard(() -> {
      LedgerKeys.checkAccount(accountId);
      if (page < 1 || limit < 1 || limit > MAX_PAGE_SIZE) {
        throw new IllegalArgumentException("page starts at 1 and limit is 1 to " + MAX_PAGE_SIZE);
      }
      String search = q == null ? "" : q.strip().toLowerCase(Locale.ROOT);
      if (search.length() > 200) {
        throw new IllegalArgumentException("a search is at most 200 characters");
      }
      long skip = (long) (page - 1) * limit;
      return ENTRIES.run(redis, List.of(LedgerKeys.stream(shards, accountId)), List.of(Long.toString(skip),
          Integer.toString(limit), type == null ? "" : type.wire(), search), timeoutMs).map(response -> {
            List<Entry> items = new ArrayList<>();
            for (Response item : response.get(1)) {
              items.add(Entry.from(item));
            }
            return new EntryPage(items, page, limit, response.get(0).toLong());
          });
    });
  }

  /** The last {@code days} UTC days, oldest first, today included; days without usage are zero. */
  public Future<List<UsageDay>> usageDaily(String accountId, int days) {
    return guard(() -> {
      if (days < 1 || days > 400) {
        throw new IllegalArgumentException("days is 1 to 400");
      }
      LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
      return usage(accountId, today.minusDays(days - 1L), today);
    });
  }

  /** Usage summed over {@code from..to} (UTC days, both included): credits, count, refunded, by type, by model. */
  public Future<UsageDay> usageSummary(String accountId, LocalDate from, LocalDate to) {
    return guard(() -> usage(accountId, from, to).map(list -> UsageDay.sum(from, to, list)));
  }

  /** Credits and counts by model over {@code from..to}. */
  public Future<Map<String, UsageDay.Tally>> usageByModel(String accountId, LocalDate from, LocalDate to) {
    return usageSummary(accountId, from, to).map(UsageDay::byModel);
  }

  private Future<List<UsageDay>> usage(String accountId, LocalDate from, LocalDate to) {
    LedgerKeys.checkAccount(accountId);
    if (from == null || to == null || to.isBefore(from) || from.plusDays(400).isBefore(to)) {
      throw new IllegalArgumentException("from..to is a range of at most 400 days");
    }
    List<LocalDate> dates = from.datesUntil(to.plusDays(1)).toList();
    List<String> keys = dates.stream().map(day -> LedgerKeys.usage(shards, accountId, day)).toList();
    return USAGE.run(redis, keys, List.of(), timeoutMs).map(response -> {
      List<UsageDay> result = new ArrayList<>();
      for (int i = 0; i < dates.size(); i++) {
        Map<String, Long> fields = new LinkedHashMap<>();
        Response hash = response.get(i);
        for (int f = 0; f + 1 < hash.size(); f += 2) {
          fields.put(hash.get(f).toString(), hash.get(f + 1).toLong());
        }
        result.add(UsageDay.of(dates.get(i), fields));
      }
      return result;
    });
  }

  private Future<Response> balanceScript(String accountId) {
    return guard(() -> {
      long now = clock.millis();
      return EXPIRE.run(redis, LedgerKeys.forWrite(shards, LedgerKeys.checkAccount(accountId), day(now)),
          List.of(Long.toString(now)), timeoutMs);
    });
  }

  private Future<LedgerOutcome> write(LuaScript script, String accountId, long now, List<String> args) {
    return script.run(redis, LedgerKeys.forWrite(shards, LedgerKeys.checkAccount(accountId), day(now)), args, timeoutMs)
        .map(response -> LedgerOutcome.decode(response.toString()));
  }

  private static LocalDate day(long millis) {
    return LocalDate.ofInstant(Instant.ofEpochMilli(millis), ZoneOffset.UTC);
  }

  /** Bad input is a failed future (IllegalArgumentException), never a thrown exception or a write. */
  private static <T> Future<T> guard(java.util.function.Supplier<Future<T>> action) {
    try {
      return action.get();
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
  }

  private static long checkAmount(long amount) {
    if (amount <= 0 || amount > MAX_AMOUNT) {
      throw new IllegalArgumentException("an amount is more than 0 and at most " + Credits.format(MAX_AMOUNT));
    }
    return amount;
  }

  private static String checkSource(String sourceId) {
    if (sourceId == null || sourceId.isEmpty() || sourceId.length() > 255 || sourceId.chars().anyMatch(c -> c < 0x20)) {
      throw new IllegalArgumentException("a source id is 1 to 255 printable characters");
    }
    return sourceId;
  }

  /** Operation and model become aggregate field names: short, no separators that would blur them. */
  private static String label(String what, String value) {
    if (value == null || !value.matches("^[A-Za-z0-9._/-]{1,100}$")) {
      throw new IllegalArgumentException(what + " is 1 to 100 letters, digits or . _ / -");
    }
    return value;
  }

  private static String text(String description) {
    String value = description == null ? "" : description;
    return value.length() > 500 ? value.substring(0, 500) : value;
  }
}
