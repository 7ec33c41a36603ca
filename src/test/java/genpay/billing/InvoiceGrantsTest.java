package genpay.billing;

import genpay.credits.CreditsConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Grants from an invoice's lines alone: create, cycle, upgrade, downgrade, yearly month by month. */
class InvoiceGrantsTest {

  private static final CreditsConfig CONFIG = CreditsConfig.defaults();
  private static final PlanPrices PRICES = new PlanPrices(CONFIG, true);
  private static final String PRO = "price_sandbox_pro_monthly";
  private static final String ENTERPRISE = "price_sandbox_enterprise_monthly";
  private static final String PRO_YEARLY = "price_sandbox_pro_yearly";

  static long at(String iso) {
    return Instant.parse(iso).getEpochSecond();
  }

  /** A line as the API has it from 2025-03-31.basil on: the price under pricing.price_details. */
  static JsonObject line(String price, long amount, String start, String end, boolean proration) {
    return new JsonObject().put("id", "il_" + start + amount).put("object", "line_item").put("amount", amount)
        .put("currency", "usd").put("period", new JsonObject().put("start", at(start)).put("end", at(end)))
        .put("pricing", new JsonObject().put("type", "price_details")
            .put("price_details", new JsonObject().put("price", price).put("product", "prod_x")))
        .put("parent", new JsonObject().put("type", "subscription_item_details")
            .put("subscription_item_details", new JsonObject().put("proration", proration)));
  }

  static JsonObject invoice(String id, String status, String reason, String paidAt, JsonObject... lines) {
    return new JsonObject().put("id", id).put("object", "invoice").put("status", status).put("billing_reason", reason)
        .put("status_transitions", new JsonObject().put("paid_at", paidAt == null ? null : at(paidAt)))
        .put("lines", new JsonObject().put("object", "list").put("data", new JsonArray(List.of((Object[]) lines))));
  }

  static List<InvoiceGrants.Grant> due(JsonObject invoice, String now) {
    return InvoiceGrants.due(invoice, PRICES, CONFIG, Instant.parse(now));
  }

  @Test
  void aCreateOrCycleInvoiceGrantsTheMonthlyCreditsExpiringAtThePeriodsEnd() {
    JsonObject created = invoice("in_create", "paid", "subscription_create", "2026-03-01T10:00:00Z",
        line(PRO, 2900, "2026-03-01T10:00:00Z", "2026-04-01T10:00:00Z", false));
    List<InvoiceGrants.Grant> grants = due(created, "2026-03-01T10:00:00Z");
    assertEquals(1, grants.size());
    InvoiceGrants.Grant grant = grants.get(0);
    assertEquals("in_create", grant.sourceId());
    assertEquals(50000, grant.amount(), "500 credits, in hundredths");
    assertEquals(Instant.parse("2026-04-01T10:00:00Z"), grant.expiresAt());
    assertEquals(Instant.parse("2026-03-01T10:00:00Z"), grant.at(), "at the invoice's payment");
    assertEquals("pro", grant.plan());
    assertEquals(grants, due(created, "2026-03-20T00:00:00Z"), "the same grant whenever in the period it is computed");
    assertTrue(due(created, "2026-04-01T10:00:00Z").isEmpty(), "its period has ended: nothing more");
    assertTrue(due(created.copy().put("status", "open"), "2026-03-02T00:00:00Z").isEmpty(), "not paid: nothing");
  }

  @Test
  void anUpgradeMidPeriodGrantsTheDifferenceForTheRestOfThePeriodRoundedDown() {
    // 31-day March; the upgrade on the 16th leaves 16 days.
    JsonObject update = invoice("in_upgrade", "paid", "subscription_update", "2026-03-16T00:00:00Z",
        line(PRO, -1497, "2026-03-16T00:00:00Z", "2026-04-01T00:00:00Z", true),
        line(ENTERPRISE, 10271, "2026-03-16T00:00:00Z", "2026-04-01T00:00:00Z", true));
    List<InvoiceGrants.Grant> grants = due(update, "2026-03-16T00:00:00Z");
    assertEquals(1, grants.size());
    long expected = (500000L - 50000L) * 16 / 31; // (5000 − 500) × 16/31 = 2322.58… credits
    assertEquals(expected, grants.get(0).amount());
    assertEquals(232258, grants.get(0).amount());
    assertEquals("in_upgrade", grants.get(0).sourceId());
    assertEquals(Instant.parse("2026-04-01T00:00:00Z"), grants.get(0).expiresAt());
    assertEquals("enterprise", grants.get(0).plan());
  }

  @Test
  void aDowngradeTakesNothingBackAndItsProrationsDoNotShrinkTheNextCycle() {
    JsonObject downgrade = invoice("in_down", "paid", "subscription_update", "2026-03-16T00:00:00Z",
        line(ENTERPRISE, -10271, "2026-03-16T00:00:00Z", "2026-04-01T00:00:00Z", true),
        line(PRO, 1497, "2026-03-16T00:00:00Z", "2026-04-01T00:00:00Z", true));
    assertTrue(due(downgrade, "2026-03-16T00:00:00Z").isEmpty());
    // create_prorations: the same two lines wait for the next cycle's invoice.
    JsonObject cycle = invoice("in_cycle", "paid", "subscription_cycle", "2026-04-01T00:00:00Z",
        line(ENTERPRISE, -10271, "2026-03-16T00:00:00Z", "2026-04-01T00:00:00Z", true),
        line(PRO, 1497, "2026-03-16T00:00:00Z", "2026-04-01T00:00:00Z", true),
        line(PRO, 2900, "2026-04-01T00:00:00Z", "2026-05-01T00:00:00Z", false));
    List<InvoiceGrants.Grant> grants = due(cycle, "2026-04-01T00:00:00Z");
    assertEquals(1, grants.size());
    assertEquals(new InvoiceGrants.Grant("in_cycle", 50000, Instant.parse("2026-04-01T00:00:00Z"),
        Instant.parse("2026-05-01T00:00:00Z"), Instant.parse("2026-04-01T00:00:00Z"), "pro", "monthly",
        grants.get(0).description()), grants.get(0));
  }

  @Test
  void aYearlyPlanGrantsEachCalendarMonthOfItsYearWhileThatMonthHoldsStripesNow() {
    JsonObject yearly = invoice("in_year", "paid", "subscription_create", "2026-01-31T12:00:00Z",
        line(PRO_YEARLY, 29000, "2026-01-31T12:00:00Z", "2027-01-31T12:00:00Z", false));
    List<InvoiceGrants.Slice> slices = InvoiceGrants.slices(yearly, PRICES, CONFIG);
    assertEquals(12, slices.size());
    assertTrue(slices.stream().allMatch(slice -> slice.amount() == 50000), "500 each month");
    assertEquals(Instant.parse("2026-02-28T12:00:00Z"), slices.get(0).end(), "calendar months from the start");
    assertEquals(Instant.parse("2027-01-31T12:00:00Z"), slices.get(11).end());

    List<InvoiceGrants.Grant> first = due(yearly, "2026-01-31T12:00:00Z");
    assertEquals(1, first.size());
    assertEquals("in_year:m0", first.get(0).sourceId());
    assertEquals(Instant.parse("2026-01-31T12:00:00Z"), first.get(0).at());
    List<InvoiceGrants.Grant> march = due(yearly, "2026-03-05T08:00:00Z");
    assertEquals(1, march.size());
    assertEquals("in_year:m1", march.get(0).sourceId(), "Feb 28 to Mar 31 is the second month");
    assertEquals(Instant.parse("2026-03-05T08:00:00Z"), march.get(0).at(), "a later month happens at Stripe's now");
    assertEquals(Instant.parse("2026-03-31T12:00:00Z"), march.get(0).expiresAt());
    assertEquals("in_year:m11", due(yearly, "2027-01-30T00:00:00Z").get(0).sourceId());
  }

  @Test
  void linesOfOlderApiVersionsWithThePriceOnTheLineAreReadAndUnknownPricesIgnored() {
    JsonObject older = line(PRO, 2900, "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z", false);
    older.remove("pricing");
    older.put("price", new JsonObject().put("id", PRO).put("object", "price"));
    JsonObject stranger = line("price_someone_elses", 100000, "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z", false);
    JsonObject invoice = invoice("in_old", "paid", "subscription_create", "2026-03-01T00:00:00Z", older, stranger);
    List<InvoiceGrants.Grant> grants = due(invoice, "2026-03-10T00:00:00Z");
    assertEquals(1, grants.size());
    assertEquals(50000, grants.get(0).amount());
  }
}
