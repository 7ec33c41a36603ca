package genpay.admin;

import genpay.web.InvalidInput;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The admin console's plain logic: queries, the merge of shard pages, the funnel and its drawing. */
class AdminPlainTest {

  @Test
  void queriesAreCheckedAndSearchesKnowWhatTheyName() {
    AdminQuery query = AdminQuery.orders("error", "2026-01-01", "2026-01-02", " Buyer@Example.com ", "2", "10");
    assertEquals(1767225600000L, query.from());
    assertEquals(1767398399999L, query.to(), "a date as to is the end of that day");
    assertEquals(AdminQuery.Kind.EMAIL, query.search().kind());
    assertEquals(20, query.depth());
    assertEquals(AdminQuery.Kind.ORDER, AdminQuery.search("cs_test_abc").kind());
    assertEquals(AdminQuery.Kind.ORDER, AdminQuery.search("ord_abcdefghijklmnopqrstuvwx").kind());
    assertEquals(AdminQuery.Kind.FILE, AdminQuery.search("3016E070-A1DC-4DCB-B14D-D4C7DCDAFEFA").kind());
    assertEquals("3016e070-a1dc-4dcb-b14d-d4c7dcdafefa",
        AdminQuery.search("3016E070-A1DC-4DCB-B14D-D4C7DCDAFEFA").value());
    for (String[] bad : List.of(new String[] {"lost", null, null, null, null, null},
        new String[] {null, "soon", null, null, null, null}, new String[] {null, "2026-02-01", "2026-01-01", null, null, null},
        new String[] {null, null, null, "hello", null, null}, new String[] {null, null, null, null, "0", null},
        new String[] {null, null, null, null, null, "101"}, new String[] {null, null, null, null, "101", "20"})) {
      assertThrows(InvalidInput.class, () -> AdminQuery.orders(bad[0], bad[1], bad[2], bad[3], bad[4], bad[5]),
          String.join(",", java.util.Arrays.stream(bad).map(String::valueOf).toList()));
    }
    assertThrows(InvalidInput.class, () -> AdminQuery.period(null, "2026-01-01"));
  }

  @Test
  void adminEmailsAreCheckedAndMatchedWithoutCase() {
    var settings = genpay.config.Settings.from(new JsonObject(),
        java.util.Map.of("ADMIN_EMAILS", " Ops@Example.com ,second@example.com,"));
    assertTrue(settings.admin("ops@example.COM"));
    assertTrue(settings.admin("second@example.com"));
    assertFalse(settings.admin("third@example.com"));
    assertFalse(settings.admin(null));
    assertFalse(genpay.config.Settings.from(new JsonObject(), java.util.Map.of()).admin("ops@example.com"));
    var bad = assertThrows(genpay.config.ConfigException.class, () -> genpay.config.Settings.from(new JsonObject(),
        java.util.Map.of("ADMIN_EMAILS", "ops@example.com; other@example.com")));
    assertTrue(bad.getMessage().contains("ADMIN_EMAILS"), bad.getMessage());
  }

  private static JsonObject row(String id, long createdAt) {
    return new JsonObject().put("id", id).put("createdAt", createdAt);
  }

  @Test
  void shardPagesMergeNewestFirst() {
    var a = new Paging.ShardRows(List.of(row("a5", 5), row("a3", 3), row("a1", 1)), 3, false);
    var b = new Paging.ShardRows(List.of(row("b6", 6), row("b4", 4), row("b2", 2)), 7, true);
    JsonObject first = Paging.page(List.of(a, b), 1, 2);
    assertEquals(List.of("b6", "a5"), ids(first));
    assertEquals(List.of("b4", "a3"), ids(Paging.page(List.of(a, b), 2, 2)));
    assertEquals(10, first.getLong("total"));
    assertTrue(first.getBoolean("totalIsLowerBound"));
    assertEquals(List.of(), ids(Paging.page(List.of(a, b), 9, 2)));
  }

  private static List<String> ids(JsonObject page) {
    return page.getJsonArray("items").stream().map(item -> ((JsonObject) item).getString("id")).toList();
  }

  @Test
  void theFunnelCountsStagesAndTheirMedians() {
    Funnel funnel = Funnel.of(0, 100, List.of(
        new Funnel.Order(0, 10, 40, "completed"),
        new Funnel.Order(0, 20, 80, "completed"),
        new Funnel.Order(0, 30, 130, "completed"),
        new Funnel.Order(0, 5, 9, "error"),
        new Funnel.Order(0, 0, 0, "pending"),
        new Funnel.Order(0, 0, 50, "expired")), false);
    assertEquals(6, funnel.created());
    assertEquals(4, funnel.paid());
    assertEquals(3, funnel.allDone());
    assertEquals(1, funnel.failed());
    assertEquals(1, funnel.expired());
    assertEquals(15L, funnel.medianToPaidMs(), "of 5, 10, 20, 30");
    assertEquals(60L, funnel.medianToDoneMs(), "of 30, 60, 100");
    assertEquals(4L, funnel.medianToFailedMs());
    assertNull(Funnel.median(List.of()));
    String svg = FunnelSvg.draw(funnel);
    assertTrue(svg.startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assertTrue(svg.contains("3 · median 60 ms"), svg);
    assertFalse(svg.contains("http://") && svg.contains("<script"), "nothing external, nothing active");
    assertEquals("a &lt;b&gt; &amp; &quot;c&quot;", FunnelSvg.escape("a <b> & \"c\""));
  }
}
