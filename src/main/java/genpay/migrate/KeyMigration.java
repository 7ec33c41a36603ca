package genpay.migrate;

import genpay.accounts.AccountStore;
import genpay.billing.BillingStore;
import genpay.credits.LedgerKeys;
import genpay.mail.MailOutbox;
import genpay.redis.Shards;
import genpay.requests.RequestKeys;
import genpay.sessions.RedisKeys;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rewrites a standalone Redis written before keys were sharded (DESIGN.md section 18) into the sharded layout:
 * every key of an order, account or request under its shard's tag, the global sets and job streams split per
 * shard, ids held in values (stream entries, {@code jobEntry}/{@code jobStream}, set members) rewritten with them.
 * RENAME keeps each key's TTL. A key already in the new layout never matches a legacy pattern, so a second run
 * changes nothing.
 *
 * <p>Legacy file ids were not minted in their order's shard: a file moves under its order's tag, and its id's own
 * shard keeps a pointer {@code file:{sN}:<id>} holding that tag, which the file lookup follows once. Legacy request
 * ids and API keys stay in their own id's shard (lookups by id find them; their few two-key steps know it).
 * Left as they are: single-key lookups and limits (auth, address, customer, subscription, clock, purchase,
 * calculation, rate limits), the sandboxes' own data, and Stripe event marks (their order is not recorded; a
 * replayed event is a no-op by the transition rules).
 *
 * <p>Runs its commands one at a time on one connection, blocking: a tool, never on an event loop.
 */
public final class KeyMigration {

  private static final long CALL_SECONDS = 60;
  private static final Pattern SESSION = Pattern.compile("^session:([^{].*)$");
  private static final Pattern FILE = Pattern.compile("^file:([^{].*)$");
  private static final Pattern MAIL_SENT = Pattern.compile("^mail:sent:([^{].*)$");
  private static final Pattern REQUEST_OPEN = Pattern.compile("^genreq:open:([^{].*):([^:]+)$");
  private static final Pattern REQUEST = Pattern.compile("^genreq:([^{:][^:]*)(:result|:lines)?$");
  private static final Pattern ACCOUNT = Pattern.compile("^account:([^{:][^:]*)$");
  private static final Pattern ACCOUNT_KEYS = Pattern.compile("^account:keys:([^{:][^:]*)$");
  private static final Pattern API_KEY = Pattern.compile("^apikey:([0-9a-f]{64})$");
  private static final Pattern LEDGER = Pattern.compile("^ledger:\\{([^}]+)}(:state|:buckets|:live|:applied|:spends)?$");
  private static final Pattern USAGE = Pattern.compile("^usage:\\{([^}]+)}:(\\d{4}-\\d{2}-\\d{2})$");
  private static final Pattern CALCULATION = Pattern.compile("^calculation:([^{].*?)(:urls)?$");
  private static final Pattern BILLING = Pattern.compile("^billing:\\{([^}]+)}$");
  private static final Pattern SHARD_TAG = Pattern.compile("^s\\d+$");
  private static final String LEGACY_JOBS = "jobs:generation";
  private static final String LEGACY_PRIORITY_JOBS = "jobs:generation:priority";
  private static final String LEGACY_REQUEST_JOBS = "jobs:requests";

  /** What a run did (or would do, dry): keys moved or entries rewritten per family, and what it left, why. */
  public record Report(Map<String, Integer> moved, List<String> notes) {

    public int total() {
      return moved.values().stream().mapToInt(Integer::intValue).sum();
    }
  }

  private final RedisConnection redis;
  private final Shards shards;
  private final boolean dryRun;
  private final Map<String, Integer> moved = new LinkedHashMap<>();
  private final List<String> notes = new ArrayList<>();
  /** file id → the tag it moved under in this run. */
  private final Map<String, String> fileTags = new HashMap<>();
  private int eventMarks;

  private KeyMigration(RedisConnection redis, Shards shards, boolean dryRun) {
    this.redis = redis;
    this.shards = shards;
    this.dryRun = dryRun;
  }

  public static Report run(RedisConnection redis, Shards shards, boolean dryRun) {
    return new KeyMigration(redis, shards, dryRun).run();
  }

  /** Connections to this Redis other than {@code redis}'s own: an engine still running. */
  public static List<String> otherClients(RedisConnection redis) {
    long own = call(redis, Request.cmd(Command.CLIENT).arg("ID")).toLong();
    List<String> others = new ArrayList<>();
    for (String line : call(redis, Request.cmd(Command.CLIENT).arg("LIST")).toString().split("\r?\n")) {
      if (!line.isBlank() && !line.startsWith("id=" + own + " ")) {
        others.add(line);
      }
    }
    return others;
  }

  private Report run() {
    List<String> keys = scan();
    List<String> files = new ArrayList<>();
    List<String> rest = new ArrayList<>();
    for (String key : keys) {
      if (SESSION.matcher(key).matches()) {
        moveSession(key);
      } else if (FILE.matcher(key).matches()) {
        files.add(key);
      } else {
        rest.add(key);
      }
    }
    for (String key : files) {
      Matcher file = FILE.matcher(key);
      if (file.matches() && !fileTags.containsKey(file.group(1))) {
        String sessionId = hashField(key, "sessionId");
        moveFile(file.group(1), sessionId == null ? shards.tagOf(file.group(1)) : shards.tagOf(sessionId));
      }
    }
    for (String key : rest) {
      moveOther(key);
    }
    if (eventMarks > 0) {
      notes.add("left " + eventMarks + " Stripe event mark(s) as they are: their order is not recorded, and a replayed"
          + " event changes nothing an order has moved past; they expire within 30 days");
    }
    return new Report(moved, notes);
  }

  private List<String> scan() {
    List<String> keys = new ArrayList<>();
    String cursor = "0";
    do {
      Response page = call(Request.cmd(Command.SCAN).arg(cursor).arg("COUNT").arg(1000));
      cursor = page.get(0).toString();
      page.get(1).forEach(key -> keys.add(key.toString()));
    } while (!"0".equals(cursor));
    return keys;
  }

  private void moveSession(String key) {
    String sessionId = key.substring("session:".length());
    String tag = shards.tagOf(sessionId);
    String fileIds = hashField(key, "fileIds");
    rename(key, RedisKeys.session(tag, sessionId), "sessions");
    if (fileIds != null && !fileIds.isEmpty()) {
      for (Object fileId : new io.vertx.core.json.JsonArray(fileIds)) {
        if (exists("file:" + fileId)) {
          moveFile(fileId.toString(), tag);
        }
      }
    }
  }

  /** A legacy file under its order's tag, its job stream named anew, and a pointer in its own shard if that differs. */
  private void moveFile(String fileId, String tag) {
    String legacy = "file:" + fileId;
    String target = RedisKeys.file(tag, fileId);
    String stream = hashField(legacy, "jobStream");
    if (!rename(legacy, target, "files")) {
      return;
    }
    fileTags.put(fileId, tag);
    if (stream != null && !stream.isEmpty()) {
      String renamed = LEGACY_PRIORITY_JOBS.equals(stream) ? RedisKeys.generationJobsPriority(tag)
          : RedisKeys.generationJobs(tag);
      write(Request.cmd(Command.HSET).arg(target).arg("jobStream").arg(renamed));
    }
    String own = shards.tagOf(fileId);
    if (!own.equals(tag)) {
      String pointer = RedisKeys.file(own, fileId);
      long ttl = dryRun ? -1 : call(Request.cmd(Command.PTTL).arg(target)).toLong();
      Request set = Request.cmd(Command.SET).arg(pointer).arg(tag);
      write(ttl > 0 ? set.arg("PX").arg(ttl) : set);
      count("file pointers");
    }
  }

  private void moveOther(String key) {
    switch (key) {
      case LEGACY_JOBS, LEGACY_PRIORITY_JOBS -> moveGenerationStream(key);
      case LEGACY_REQUEST_JOBS -> moveStream(key, "request jobs", fields -> RedisKeys.requestJobs(
          shards.tagOf(fields.getOrDefault("requestId", ""))));
      case "sessions:pending" -> moveSet(key, member -> RedisKeys.pendingSessions(shards.tagOf(member)));
      case "files:active" -> moveSet(key, member -> RedisKeys.activeFiles(fileTag(member)));
      case "refunds:owed" -> moveSet(key, member -> RedisKeys.refundsOwed(fileTag(member)));
      case "mail:outbox" -> moveSet(key, cause -> MailOutbox.outboxKey(shards, cause));
      case "genreq:paid" -> moveSet(key, id -> RequestKeys.paid(shards.tagOf(id)));
      case "billing:subscribed" -> moveSet(key, account -> BillingStore.subscribed(shards.tagOf(account)));
      case "mail:attempts" -> moveAttempts(key);
      default -> renameByPattern(key);
    }
  }

  private void renameByPattern(String key) {
    Matcher m;
    if ((m = MAIL_SENT.matcher(key)).matches()) {
      rename(key, MailOutbox.sentKey(shards, m.group(1)), "mail sent marks");
    } else if ((m = REQUEST_OPEN.matcher(key)).matches()) {
      rename(key, RequestKeys.open(shards.tagOf(RequestKeys.owner(m.group(1), m.group(2))), m.group(1), m.group(2)),
          "requests");
    } else if ((m = REQUEST.matcher(key)).matches() && !"paid".equals(m.group(1)) && !"open".equals(m.group(1))) {
      String tag = shards.tagOf(m.group(1));
      String suffix = m.group(2) == null ? "" : m.group(2);
      rename(key, RequestKeys.request(tag, m.group(1)) + suffix, "requests");
    } else if ((m = ACCOUNT_KEYS.matcher(key)).matches()) {
      rename(key, AccountStore.accountKeysKey(shards, m.group(1)), "accounts");
    } else if ((m = ACCOUNT.matcher(key)).matches() && !"email".equals(m.group(1)) && !"keys".equals(m.group(1))) {
      rename(key, AccountStore.accountKey(shards, m.group(1)), "accounts");
    } else if ((m = API_KEY.matcher(key)).matches()) {
      rename(key, AccountStore.apiKeyKey(shards, m.group(1)), "api keys");
    } else if ((m = LEDGER.matcher(key)).matches() && !SHARD_TAG.matcher(m.group(1)).matches()) {
      String stream = LedgerKeys.stream(shards, m.group(1));
      rename(key, m.group(2) == null ? stream : stream + m.group(2), "ledgers");
    } else if ((m = USAGE.matcher(key)).matches() && !SHARD_TAG.matcher(m.group(1)).matches()) {
      rename(key, LedgerKeys.usage(shards, m.group(1), LocalDate.parse(m.group(2))), "ledgers");
    } else if ((m = BILLING.matcher(key)).matches() && !SHARD_TAG.matcher(m.group(1)).matches()) {
      rename(key, BillingStore.key(shards, m.group(1)), "billing");
    } else if ((m = CALCULATION.matcher(key)).matches() && !key.contains(":urls:")) {
      rename(key, m.group(2) == null ? RequestKeys.calculation(m.group(1)) : RequestKeys.calculationUrls(m.group(1)),
          "calculations");
    } else if (key.startsWith("stripe:event:") && !key.startsWith("stripe:event:{")) {
      eventMarks++;
    }
  }

  /** Each entry goes to its order's shard's stream; its file learns the new entry id (and stream). */
  private void moveGenerationStream(String key) {
    boolean priority = LEGACY_PRIORITY_JOBS.equals(key);
    moveStream(key, priority ? "priority jobs" : "jobs", fields -> {
      String tag = shards.tagOf(fields.getOrDefault("sessionId", ""));
      return priority ? RedisKeys.generationJobsPriority(tag) : RedisKeys.generationJobs(tag);
    }, (fields, stream, entryId) -> {
      String fileId = fields.get("fileId");
      if (fileId == null) {
        return;
      }
      String file = RedisKeys.file(fileTag(fileId), fileId);
      if ("hash".equals(call(Request.cmd(Command.TYPE).arg(file)).toString())) {
        Request update = Request.cmd(Command.HSET).arg(file).arg("jobEntry").arg(entryId);
        write(priority ? update.arg("jobStream").arg(stream) : update);
      }
    });
  }

  private interface Target {
    String of(Map<String, String> fields);
  }

  private interface Moved {
    void entry(Map<String, String> fields, String stream, String entryId);
  }

  private void moveStream(String key, String family, Target target) {
    moveStream(key, family, target, (fields, stream, entryId) -> { });
  }

  /**
   * Every entry, pending or not, is added anew to its shard's stream (the engine is stopped: nobody follows the
   * pending ones; the workers' groups start at 0), then the legacy stream goes.
   */
  private void moveStream(String key, String family, Target target, Moved moved) {
    if (!"stream".equals(call(Request.cmd(Command.TYPE).arg(key)).toString())) {
      return;
    }
    String from = "-";
    while (true) {
      Response page = call(Request.cmd(Command.XRANGE).arg(key).arg(from).arg("+").arg("COUNT").arg(500));
      if (page == null || page.size() == 0) {
        break;
      }
      for (Response entry : page) {
        Map<String, String> fields = new LinkedHashMap<>();
        Response flat = entry.get(1);
        for (int i = 0; flat != null && i + 1 < flat.size(); i += 2) {
          fields.put(flat.get(i).toString(), flat.get(i + 1).toString());
        }
        String stream = target.of(fields);
        count(family);
        if (!dryRun) {
          Request add = Request.cmd(Command.XADD).arg(stream).arg("*");
          fields.forEach((name, value) -> add.arg(name).arg(value));
          moved.entry(fields, stream, call(add).toString());
        }
      }
      from = "(" + page.get(page.size() - 1).get(0).toString();
    }
    write(Request.cmd(Command.DEL).arg(key));
  }

  private interface SetTarget {
    String of(String member);
  }

  /** A sorted set split by its members' shards, scores kept. */
  private void moveSet(String key, SetTarget target) {
    Response rows = call(Request.cmd(Command.ZRANGE).arg(key).arg(0).arg(-1).arg("WITHSCORES"));
    for (Map.Entry<String, String> row : scored(rows).entrySet()) {
      count(key);
      write(Request.cmd(Command.ZADD).arg(target.of(row.getKey())).arg(row.getValue()).arg(row.getKey()));
    }
    write(Request.cmd(Command.DEL).arg(key));
  }

  private void moveAttempts(String key) {
    Response hash = call(Request.cmd(Command.HGETALL).arg(key));
    for (Map.Entry<String, String> field : fields(hash).entrySet()) {
      count(key);
      write(Request.cmd(Command.HSET).arg(RedisKeys.mailAttempts(MailOutbox.tagOf(shards, field.getKey())))
          .arg(field.getKey()).arg(field.getValue()));
    }
    write(Request.cmd(Command.DEL).arg(key));
  }

  /** The tag a file lives under: where this run moved it, else its pointer's, else its own id's. */
  private String fileTag(String fileId) {
    String tag = fileTags.get(fileId);
    if (tag != null) {
      return tag;
    }
    String own = shards.tagOf(fileId);
    Response pointer = "string".equals(call(Request.cmd(Command.TYPE).arg(RedisKeys.file(own, fileId))).toString())
        ? call(Request.cmd(Command.GET).arg(RedisKeys.file(own, fileId))) : null;
    return pointer == null ? own : pointer.toString();
  }

  /** RENAME (TTL kept) unless the new key exists already; answers whether it moved (or would, dry). */
  private boolean rename(String from, String to, String family) {
    if (exists(to)) {
      notes.add("left " + from + ": " + to + " exists already");
      return false;
    }
    count(family);
    write(Request.cmd(Command.RENAME).arg(from).arg(to));
    return true;
  }

  private boolean exists(String key) {
    return call(Request.cmd(Command.EXISTS).arg(key)).toLong() == 1;
  }

  private String hashField(String key, String field) {
    if (!"hash".equals(call(Request.cmd(Command.TYPE).arg(key)).toString())) {
      return null;
    }
    Response value = call(Request.cmd(Command.HGET).arg(key).arg(field));
    return value == null ? null : value.toString();
  }

  private void count(String family) {
    moved.merge(family, 1, Integer::sum);
  }

  private void write(Request request) {
    if (!dryRun) {
      call(request);
    }
  }

  private Response call(Request request) {
    return call(redis, request);
  }

  private static Response call(RedisConnection redis, Request request) {
    Future<Response> sent = redis.send(request);
    try {
      return sent.toCompletionStage().toCompletableFuture().get(CALL_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("Redis: " + request.command() + " failed: " + e.getMessage(), e);
    }
  }

  /** ZRANGE WITHSCORES as member → score, whether Redis answers flat (RESP2) or in pairs (RESP3). */
  private static Map<String, String> scored(Response rows) {
    Map<String, String> scores = new LinkedHashMap<>();
    for (int i = 0; rows != null && i < rows.size(); i++) {
      Response row = rows.get(i);
      if (row.type() == io.vertx.redis.client.ResponseType.MULTI) {
        scores.put(row.get(0).toString(), row.get(1).toString());
      } else if (i + 1 < rows.size()) {
        scores.put(row.toString(), rows.get(++i).toString());
      }
    }
    return scores;
  }

  private static Map<String, String> fields(Response hash) {
    Map<String, String> fields = new LinkedHashMap<>();
    if (hash == null) {
      return fields;
    }
    if (hash.type() == io.vertx.redis.client.ResponseType.MULTI && !hash.isMap()) {
      for (int i = 0; i + 1 < hash.size(); i += 2) {
        fields.put(hash.get(i).toString(), hash.get(i + 1).toString());
      }
      return fields;
    }
    for (String name : hash.getKeys()) {
      fields.put(name, hash.get(name).toString());
    }
    return fields;
  }
}
