package genpay.requests;

import genpay.TestEngine;
import genpay.sites.TestSite;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static genpay.TestEngine.await;
import static genpay.requests.RequestTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A free request from the API to the document, every part real: the calculation reads {@link TestSite}'s 120 pages
 * (robots.txt → a sitemap index → a gzipped sitemap and a plain one), the worker reads each page and asks the ollama
 * sandbox, and the result is the llms.txt. ALLOW_PRIVATE_SITES=true, so the site is {@code localhost:PORT}.
 */
class GenerationRequestEndToEndTest {

  private static TestEngine genpay;
  private static TestSite site;

  @BeforeAll
  static void start() throws Exception {
    genpay = TestEngine.start(Map.of("ALLOW_PRIVATE_SITES", "true"));
    site = TestSite.start(genpay.engine.vertx(), TestSite.PAGES);
  }

  @AfterAll
  static void stop() {
    site.close();
    genpay.close();
  }

  @Test
  void aFreeRequestOverTheWholeSiteEndsWithAnLlmsTxtOfALinePerSitemapUrl() {
    HttpResponse<Buffer> calculation = await(genpay.http.get("/api/sites/" + site.hostname()).send());
    assertEquals(200, calculation.statusCode(), calculation.bodyAsString());
    assertEquals(120, calculation.bodyAsJsonObject().getLong("urlCount"), calculation.bodyAsString());
    assertEquals(1, site.requests("/sitemap-1.xml.gz"), "the gzipped sitemap was read");

    HttpResponse<Buffer> created = submit(genpay, site.hostname(), "ollama");
    assertEquals(201, created.statusCode(), created.bodyAsString());
    String id = created.bodyAsJsonObject().getString("id");
    assertEquals(120, created.bodyAsJsonObject().getJsonObject("progress").getInteger("total"));

    // Watched before it is read, so an end between the POST and here is seen by the read.
    Future<JsonObject> ended = changed(genpay, id, change -> List.of("completed", "failed")
        .contains(change.getString("status")));
    JsonObject now = await(genpay.http.get("/api/generation-requests/" + id).send()).bodyAsJsonObject();
    JsonObject last = List.of("completed", "failed").contains(now.getString("status")) ? now : await(ended, 120);
    assertEquals("completed", last.getString("status"), last.encode());
    assertEquals(new JsonObject().put("done", 120).put("total", 120), last.getJsonObject("progress"));

    HttpResponse<Buffer> result = await(genpay.http.get("/api/generation-requests/" + id + "/result").send());
    assertEquals(200, result.statusCode(), result.bodyAsString());
    assertTrue(result.getHeader("Content-Type").startsWith("text/markdown"), result.getHeader("Content-Type"));
    String document = result.bodyAsString();
    List<String> lines = document.lines().toList();
    assertEquals(2 + 120, lines.size(), document);
    assertEquals("# " + TestSite.TITLE, lines.get(0));
    assertEquals("", lines.get(1));
    List<String> urls = site.pageUrls(site.hostname());
    for (int i = 0; i < urls.size(); i++) {
      String url = urls.get(i);
      String line = lines.get(2 + i);
      assertTrue(line.startsWith("- [Page " + (i + 1) + "](" + url + "): ") && line.length() > 20 + url.length(),
          "in sitemap order, with a line: " + line);
      assertEquals(1, lines.stream().filter(each -> each.contains("(" + url + ")")).count(), url);
      assertTrue(site.requests("/page/" + (i + 1)) >= 1, "page read: " + url);
    }
  }
}
