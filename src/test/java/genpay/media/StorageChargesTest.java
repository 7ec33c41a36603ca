package genpay.media;

import genpay.credits.CostTable;
import io.vertx.core.json.JsonObject;
import genpay.credits.CreditsConfig;
import org.junit.jupiter.api.Test;

import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The month's storage bill per account, without Redis or a store. */
class StorageChargesTest {

  private static final CostTable COSTS = CreditsConfig.from(new JsonObject()).costs();
  private static final YearMonth MONTH = YearMonth.of(2026, 10);
  private static final long IN_MONTH = MONTH.atDay(15).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
  private static final long NEXT_MONTH = MONTH.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant()
      .toEpochMilli();
  private static final long GIB = 1024L * 1024 * 1024;

  @Test
  void eachAccountPaysAHundredthPerGbMonthRoundedUpAndCardOrdersNothing() {
    StorageCharges charges = new StorageCharges(MONTH);
    charges.add("acc_a", 3 * GIB, IN_MONTH);
    charges.add("acc_a", GIB / 2, IN_MONTH);
    charges.add("acc_b", 5 * 1024 * 1024, IN_MONTH);
    charges.add("", 100 * GIB, IN_MONTH);
    assertEquals(Map.of("acc_a", 4L, "acc_b", 1L), charges.owed(COSTS),
        "3.5 GB -> 0.04 credits; 5 MB -> 0.01; a card order is not an account's");
  }

  @Test
  void copiesStoredAfterTheMonthEndedAreNotCharged() {
    StorageCharges charges = new StorageCharges(MONTH);
    charges.add("acc_a", GIB, NEXT_MONTH);
    charges.add("acc_b", GIB, NEXT_MONTH - 1);
    assertEquals(Map.of("acc_b", 1L), charges.owed(COSTS));
    assertEquals("storage:acc_b:2026-10", StorageCharges.sourceId("acc_b", MONTH));
  }
}
