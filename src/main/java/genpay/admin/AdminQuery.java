package genpay.admin;

import genpay.web.InvalidInput;
import genpay.web.SessionIds;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The admin lists' query strings, checked: {@code status, from, to, q, page, limit}. Bad input is an
 * {@link InvalidInput} (a 400 problem). Pages count from 1; a page's depth (page × limit) is bounded, since each
 * shard is asked for that many rows and the merge keeps them all.
 */
public record AdminQuery(String status, long from, long to, Search search, int page, int limit) {

  public static final Set<String> ORDER_STATUSES = Set.of("pending", "processing", "completed", "error", "expired");
  public static final Set<String> FILE_STATUSES = Set.of("pending", "in_progress", "completed", "failed", "timeout");
  public static final int DEFAULT_LIMIT = 20;
  public static final int MAX_LIMIT = 100;
  /** page × limit at most: each shard returns up to that many rows, so one request reads at most 64 × this. */
  public static final int MAX_DEPTH = 2_000;
  private static final Pattern EMAIL = Pattern.compile("^[^\\s@<>,;\"]{1,64}@[^\\s@<>,;\"]{1,255}$");

  /** What {@code q} names. */
  public enum Kind { ORDER, FILE, EMAIL }

  public record Search(Kind kind, String value) {
  }

  public static AdminQuery orders(String status, String from, String to, String q, String page, String limit) {
    return of(status, ORDER_STATUSES, from, to, q, page, limit);
  }

  public static AdminQuery files(String status, String page, String limit) {
    return of(status, FILE_STATUSES, null, null, null, page, limit);
  }

  /** The funnel's period: both ends required, from before to. */
  public static long[] period(String from, String to) {
    if (from == null || from.isBlank() || to == null || to.isBlank()) {
      throw new InvalidInput(from == null || from.isBlank() ? "from" : "to",
          "The funnel needs a period: from and to (yyyy-mm-dd, an ISO-8601 instant or epoch milliseconds).");
    }
    long start = time("from", from, false);
    long end = time("to", to, true);
    if (end < start) {
      throw new InvalidInput("to", "to is before from.");
    }
    return new long[] {start, end};
  }

  private static AdminQuery of(String status, Set<String> statuses, String from, String to, String q, String page,
                               String limit) {
    String wanted = status == null ? "" : status.strip();
    if (!wanted.isEmpty() && !statuses.contains(wanted)) {
      throw new InvalidInput("status", "status is one of " + String.join(", ", statuses.stream().sorted().toList())
          + ".");
    }
    long start = from == null || from.isBlank() ? Long.MIN_VALUE : time("from", from, false);
    long end = to == null || to.isBlank() ? Long.MAX_VALUE : time("to", to, true);
    if (end < start) {
      throw new InvalidInput("to", "to is before from.");
    }
    int p = whole("page", page, 1, MAX_DEPTH);
    int l = whole("limit", limit, DEFAULT_LIMIT, MAX_LIMIT);
    if ((long) p * l > MAX_DEPTH) {
      throw new InvalidInput("page", "page × limit is at most " + MAX_DEPTH + "; narrow the period with from and to.");
    }
    return new AdminQuery(wanted, start, end, search(q), p, l);
  }

  static Search search(String q) {
    if (q == null || q.isBlank()) {
      return null;
    }
    String value = q.strip();
    if (value.startsWith("cs_") || value.startsWith("ord_")) {
      return new Search(Kind.ORDER, SessionIds.requireSessionId(value));
    }
    if (value.contains("@")) {
      if (!EMAIL.matcher(value).matches()) {
        throw new InvalidInput("q", "That is not an e-mail address.");
      }
      return new Search(Kind.EMAIL, value);
    }
    try {
      return new Search(Kind.FILE, SessionIds.requireFileId(value));
    } catch (InvalidInput notAFile) {
      throw new InvalidInput("q", "Search by a session id (cs_…), an order id (ord_…), a file id (a UUID) or an"
          + " e-mail address.");
    }
  }

  /** Epoch ms, an ISO-8601 instant, or a date (UTC; as {@code to}, the end of that day). */
  static long time(String field, String text, boolean endOfDay) {
    String value = text.strip();
    try {
      if (value.matches("^\\d{1,15}$")) {
        return Long.parseLong(value);
      }
      if (value.matches("^\\d{4}-\\d{2}-\\d{2}$")) {
        LocalDate day = LocalDate.parse(value);
        return (endOfDay ? day.plusDays(1) : day).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli()
            - (endOfDay ? 1 : 0);
      }
      return Instant.parse(value).toEpochMilli();
    } catch (DateTimeParseException | NumberFormatException e) {
      throw new InvalidInput(field, field + " is a date (yyyy-mm-dd), an ISO-8601 instant or epoch milliseconds.");
    }
  }

  private static int whole(String field, String text, int fallback, int max) {
    if (text == null || text.isBlank()) {
      return fallback;
    }
    try {
      int value = Integer.parseInt(text.strip());
      if (value >= 1 && value <= max) {
        return value;
      }
    } catch (NumberFormatException ignored) {
      // said below
    }
    throw new InvalidInput(field, field + " is a whole number from 1 to " + max + ".");
  }

  /** Each shard's rows wanted: everything up to the end of this page. */
  public int depth() {
    return page * limit;
  }

  public String fromArg() {
    return from == Long.MIN_VALUE ? "-inf" : String.valueOf(from);
  }

  public String toArg() {
    return to == Long.MAX_VALUE ? "+inf" : String.valueOf(to);
  }
}
