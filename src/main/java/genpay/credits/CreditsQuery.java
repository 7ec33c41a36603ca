package genpay.credits;

import genpay.web.InvalidInput;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.stream.Collectors;

/** The query strings of the credits API, checked before anything is asked of the ledger; bad → {@link InvalidInput}. */
public final class CreditsQuery {

  public static final int MAX_LIMIT = Ledger.MAX_PAGE_SIZE;
  public static final int MAX_SEARCH = 200;
  public static final int MAX_DAYS = 366;
  public static final int DEFAULT_DAYS = 30;

  private CreditsQuery() {
  }

  /** Filters of the entry list: page from 1, limit 1..100, type one of the entry types, q up to 200 chars. */
  public record Filters(int page, int limit, String type, String q) {
  }

  /** A UTC day range, both ends included. */
  public record Range(LocalDate from, LocalDate to) {
  }

  public static Filters filters(String page, String limit, String type, String q) {
    int p = whole("page", page, 1, 1, Integer.MAX_VALUE / MAX_LIMIT);
    int l = whole("limit", limit, 20, 1, MAX_LIMIT);
    String t = type == null || type.isEmpty() ? null : type;
    if (t != null) {
      try {
        EntryType.fromWire(t);
      } catch (IllegalArgumentException unknown) {
        throw new InvalidInput("type", "type must be one of " + Arrays.stream(EntryType.values())
            .map(EntryType::wire).collect(Collectors.joining(", ")) + ".");
      }
    }
    String search = q == null || q.isBlank() ? null : q.strip();
    if (search != null && (search.codePointCount(0, search.length()) > MAX_SEARCH
        || search.chars().anyMatch(Character::isISOControl))) {
      throw new InvalidInput("q", "q must be at most " + MAX_SEARCH + " characters, without control characters.");
    }
    return new Filters(p, l, t, search);
  }

  public static int days(String days) {
    return whole("days", days, DEFAULT_DAYS, 1, MAX_DAYS);
  }

  /** {@code from} and {@code to} as yyyy-mm-dd; missing: the last 30 days up to {@code today}. */
  public static Range range(String from, String to, LocalDate today) {
    LocalDate end = to == null || to.isEmpty() ? today : date("to", to);
    LocalDate start = from == null || from.isEmpty() ? end.minusDays(DEFAULT_DAYS - 1L) : date("from", from);
    if (end.isBefore(start)) {
      throw new InvalidInput("from", "from must not be after to.");
    }
    if (start.plusDays(MAX_DAYS - 1L).isBefore(end)) {
      throw new InvalidInput("from", "from..to covers at most " + MAX_DAYS + " days.");
    }
    return new Range(start, end);
  }

  private static LocalDate date(String field, String text) {
    try {
      if (!text.matches("^\\d{4}-\\d{2}-\\d{2}$")) {
        throw new DateTimeParseException("not yyyy-mm-dd", text, 0);
      }
      return LocalDate.parse(text);
    } catch (DateTimeParseException bad) {
      throw new InvalidInput(field, field + " must be a date as yyyy-mm-dd.");
    }
  }

  private static int whole(String field, String text, int fallback, int min, int max) {
    if (text == null || text.isEmpty()) {
      return fallback;
    }
    if (text.matches("^\\d{1,9}$")) {
      int value = Integer.parseInt(text);
      if (value >= min && value <= max) {
        return value;
      }
    }
    throw new InvalidInput(field, field + " must be a whole number from " + min + " to " + max + ".");
  }
}
