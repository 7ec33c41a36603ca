package genpay.billing;

import genpay.credits.Credits;
import genpay.credits.CreditsConfig;
import genpay.credits.Plan;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The credits a paid subscription invoice grants, from its lines alone, so that whoever computes them (a webhook, the
 * sweep, another node) gets the same grants with the same source ids, and the ledger's dedup makes repeats no-ops.
 *
 * <p>Each line with a plan's price counts sign(amount) × that plan's monthly credits × the share of a month it
 * covers. A line's months are its interval's frame, the interval ending at the line's period end, cut into calendar
 * months (one for a monthly price, twelve for a yearly one). Per month the lines' shares add up: a create or cycle
 * invoice gives the plan's monthly credits; an upgrade's unused-old and remaining-new lines give (new − old) × the
 * remaining fraction, rounded down to hundredths; a sum at or below zero (a downgrade) gives nothing. A month is
 * granted only while it holds Stripe's now, expiring at its end: a yearly invoice grants month by month.
 */
public final class InvoiceGrants {

  private InvoiceGrants() {
  }

  /** One grant: {@code amount} in hundredths, once per {@code sourceId}, happening {@code at}. */
  public record Grant(String sourceId, long amount, Instant start, Instant expiresAt, Instant at, String plan,
                      String interval, String description) {
  }

  /** A month of one invoice and what its lines add up to in it (in hundredths, before the zero floor). */
  record Slice(String sourceId, Instant start, Instant end, long amount, String plan, String interval,
               boolean whole) {
  }

  /** The grants due for a paid invoice when Stripe's time is {@code now}; nothing for an invoice not paid. */
  public static List<Grant> due(JsonObject invoice, PlanPrices prices, CreditsConfig config, Instant now) {
    List<Grant> grants = new ArrayList<>();
    if (!"paid".equals(invoice.getValue("status"))) {
      return grants;
    }
    Instant paidAt = paidAt(invoice);
    for (Slice slice : slices(invoice, prices, config)) {
      if (slice.amount() <= 0 || now.isBefore(slice.start()) || !now.isBefore(slice.end())) {
        continue;
      }
      Instant at = paidAt != null && !paidAt.isBefore(slice.start()) && paidAt.isBefore(slice.end()) ? paidAt : now;
      grants.add(new Grant(slice.sourceId(), slice.amount(), slice.start(), slice.end(), at, slice.plan(),
          slice.interval(), description(slice)));
    }
    return grants;
  }

  /** Every month the invoice's plan lines touch, in time order, with the credits it would grant. */
  static List<Slice> slices(JsonObject invoice, PlanPrices prices, CreditsConfig config) {
    String invoiceId = invoice.getString("id");
    record Key(long start, long end) {
    }
    record Sum(String interval, int index, String plan, long numerator, boolean whole) {
    }
    Map<Key, Sum> sums = new LinkedHashMap<>();
    for (Object item : lines(invoice)) {
      if (!(item instanceof JsonObject line)) {
        continue;
      }
      PlanPrices.PlanInterval sold = prices.of(priceId(line));
      Plan plan = sold == null ? null : config.plan(sold.plan());
      JsonObject period = line.getValue("period") instanceof JsonObject p ? p : null;
      if (plan == null || period == null || !(line.getValue("amount") instanceof Number amount)
          || !(period.getValue("start") instanceof Number start) || !(period.getValue("end") instanceof Number end)
          || end.longValue() <= start.longValue()) {
        continue;
      }
      long sign = Long.signum(amount.longValue());
      if (sign == 0) {
        continue;
      }
      ZonedDateTime frameEnd = Instant.ofEpochSecond(end.longValue()).atZone(ZoneOffset.UTC);
      boolean yearly = "yearly".equals(sold.interval());
      ZonedDateTime frameStart = yearly ? frameEnd.minusYears(1) : frameEnd.minusMonths(1);
      int months = yearly ? 12 : 1;
      for (int k = 0; k < months; k++) {
        long sliceStart = frameStart.plusMonths(k).toEpochSecond();
        long sliceEnd = k == months - 1 ? frameEnd.toEpochSecond() : frameStart.plusMonths(k + 1L).toEpochSecond();
        long overlap = Math.min(end.longValue(), sliceEnd) - Math.max(start.longValue(), sliceStart);
        if (overlap <= 0) {
          continue;
        }
        long part = sign * plan.monthlyCredits() * overlap;
        boolean whole = overlap == sliceEnd - sliceStart && sign > 0;
        int index = k;
        sums.merge(new Key(sliceStart, sliceEnd), new Sum(sold.interval(), index, plan.id(), part, whole),
            (a, b) -> new Sum(a.interval(), a.index(), b.numerator() > 0 ? b.plan() : a.plan(),
                a.numerator() + b.numerator(), a.whole() && b.whole()));
      }
    }
    long lastMonthlyEnd = sums.entrySet().stream().filter(e -> !"yearly".equals(e.getValue().interval()))
        .mapToLong(e -> e.getKey().end()).max().orElse(Long.MIN_VALUE);
    List<Slice> slices = new ArrayList<>();
    sums.entrySet().stream().sorted(Map.Entry.comparingByKey(
            java.util.Comparator.comparingLong(Key::start).thenComparingLong(Key::end)))
        .forEach(entry -> {
          Key key = entry.getKey();
          Sum sum = entry.getValue();
          long length = key.end() - key.start();
          String sourceId = "yearly".equals(sum.interval()) ? invoiceId + ":m" + sum.index()
              : key.end() == lastMonthlyEnd ? invoiceId : invoiceId + ":" + key.start();
          slices.add(new Slice(sourceId, Instant.ofEpochSecond(key.start()), Instant.ofEpochSecond(key.end()),
              Math.floorDiv(sum.numerator(), length), sum.plan(), sum.interval(), sum.whole()));
        });
    return slices;
  }

  /** The price of a line: {@code pricing.price_details.price} (API 2025-03-31.basil on), else {@code price}. */
  static String priceId(JsonObject line) {
    if (line.getValue("pricing") instanceof JsonObject pricing
        && pricing.getValue("price_details") instanceof JsonObject details
        && details.getValue("price") instanceof String id) {
      return id;
    }
    Object price = line.getValue("price");
    if (price instanceof JsonObject object && object.getValue("id") instanceof String id) {
      return id;
    }
    return price instanceof String id ? id : null;
  }

  static Instant paidAt(JsonObject invoice) {
    if (invoice.getValue("status_transitions") instanceof JsonObject transitions
        && transitions.getValue("paid_at") instanceof Number paid) {
      return Instant.ofEpochSecond(paid.longValue());
    }
    return null;
  }

  private static JsonArray lines(JsonObject invoice) {
    if (invoice.getValue("lines") instanceof JsonObject lines && lines.getValue("data") instanceof JsonArray data) {
      return data;
    }
    return new JsonArray();
  }

  private static String description(Slice slice) {
    String period = slice.start().atZone(ZoneOffset.UTC).toLocalDate() + " to "
        + slice.end().atZone(ZoneOffset.UTC).toLocalDate();
    String what = slice.plan() + " plan, " + slice.interval();
    return slice.whole() ? what + ", " + period
        : what + ", difference for the rest of " + period + " (" + Credits.format(slice.amount()) + " credits)";
  }
}
