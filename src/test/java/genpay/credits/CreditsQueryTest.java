package genpay.credits;

import genpay.web.InvalidInput;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Query checking and CSV quoting of the credits API, without Vert.x. */
class CreditsQueryTest {

  @Test
  void filtersHaveDefaultsAndBounds() {
    CreditsQuery.Filters none = CreditsQuery.filters(null, null, "", "  ");
    assertEquals(1, none.page());
    assertEquals(20, none.limit());
    assertNull(none.type());
    assertNull(none.q());
    assertEquals(100, CreditsQuery.filters("3", "100", "usage", " veo ").limit());
    assertEquals("veo", CreditsQuery.filters("3", "100", "usage", " veo ").q());
    assertEquals("limit", assertThrows(InvalidInput.class, () -> CreditsQuery.filters("1", "101", null, null)).field());
    assertEquals("page", assertThrows(InvalidInput.class, () -> CreditsQuery.filters("-1", null, null, null)).field());
    assertEquals("page", assertThrows(InvalidInput.class, () -> CreditsQuery.filters("99999999999", null, null, null))
        .field());
    assertEquals("type", assertThrows(InvalidInput.class, () -> CreditsQuery.filters(null, null, "USAGE", null)).field());
    assertEquals("q", assertThrows(InvalidInput.class, () -> CreditsQuery.filters(null, null, null, "a\u0000b")).field());
  }

  @Test
  void rangesDefaultToTheLastThirtyDays() {
    LocalDate today = LocalDate.parse("2026-03-01");
    CreditsQuery.Range range = CreditsQuery.range(null, null, today);
    assertEquals(LocalDate.parse("2026-01-31"), range.from());
    assertEquals(today, range.to());
    assertEquals(LocalDate.parse("2026-02-01"), CreditsQuery.range(null, "2026-03-02", today).from());
    assertEquals(366, CreditsQuery.days("366"));
    assertEquals("days", assertThrows(InvalidInput.class, () -> CreditsQuery.days("367")).field());
    assertEquals("to", assertThrows(InvalidInput.class, () -> CreditsQuery.range(null, "2026-02-30", today)).field());
    assertEquals("from", assertThrows(InvalidInput.class, () -> CreditsQuery.range("2026-1-1", null, today)).field());
  }

  @Test
  void csvQuotesPerRfc4180AndDefusesFormulas() {
    assertEquals("plain", CsvExport.field("plain"));
    assertEquals("\"a,b\"", CsvExport.field("a,b"));
    assertEquals("\"say \"\"hi\"\"\"", CsvExport.field("say \"hi\""));
    assertEquals("\"two\r\nlines\"", CsvExport.field("two\r\nlines"));
    assertEquals("'=1+1", CsvExport.field("=1+1"));
    assertEquals("-12.5", CsvExport.field("-12.5"));
    String row = CsvExport.row(new JsonObject().put("id", "1-0").put("type", "usage").put("amount", -2.5)
        .put("description", "x, y"));
    assertEquals("1-0,,usage,-2.5,,,,,,,\"x, y\"\r\n", row);
  }
}
