package genpay.web;

import genpay.TestEngine;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static genpay.TestEngine.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pages name their assets by content hash; those names are cached for good, the pages themselves revalidated. */
class FingerprintedAssetsTest {

  private static final List<String> PAGES = List.of("/", "/en/tool/veo3", "/en/session",
      "/en/payment-success/cs_test_a1B2c3D4e5F6", "/en/file/8a3c3f0e-9d7b-4a51-8e3e-111111111111", "/en/account",
      "/en/credits", "/en/credits/history", "/en/credits/buy", "/en/plans", "/en/site");
  private static final Pattern ASSET_REFERENCE = Pattern.compile("(?:src|href)=\"(/assets/[^\"]+)\"");
  private static final Pattern FINGERPRINTED = Pattern.compile("^/assets/[A-Za-z0-9_/-]+\\.[0-9a-f]{8}\\.[a-z]+$");

  private static TestEngine genpay;

  @BeforeAll
  static void start() throws Exception {
    genpay = TestEngine.start();
  }

  @AfterAll
  static void stop() {
    genpay.close();
  }

  private static Set<String> references(String html) {
    Set<String> found = new LinkedHashSet<>();
    Matcher matcher = ASSET_REFERENCE.matcher(html);
    while (matcher.find()) {
      found.add(matcher.group(1));
    }
    return found;
  }

  @Test
  void pagesReferenceOnlyFingerprintedAssetsThatAreCachedForGood() {
    Set<String> all = new LinkedHashSet<>();
    for (String page : PAGES) {
      HttpResponse<Buffer> html = await(genpay.http.get(page).send());
      assertEquals(200, html.statusCode(), page);
      assertEquals("no-cache", html.getHeader("Cache-Control"), page);
      assertNotNull(html.getHeader("ETag"), page + " has an ETag");
      Set<String> assets = references(html.bodyAsString());
      assertFalse(assets.isEmpty(), page + " names its assets");
      for (String asset : assets) {
        assertTrue(FINGERPRINTED.matcher(asset).matches(), page + " names " + asset + ", not a fingerprinted name");
      }
      all.addAll(assets);
    }
    for (String asset : all) {
      HttpResponse<Buffer> answer = await(genpay.http.get(asset).send());
      assertEquals(200, answer.statusCode(), asset);
      assertEquals(Assets.IMMUTABLE, answer.getHeader("Cache-Control"), asset);
      String etag = answer.getHeader("ETag");
      assertTrue(etag != null && etag.matches("^\"[0-9a-f]+\"$"), asset + ": a strong ETag, got " + etag);
      // The plain name still answers (pages already in caches name it), the same bytes, a short cache.
      String plain = asset.replaceFirst("\\.[0-9a-f]{8}(\\.[a-z]+)$", "$1");
      HttpResponse<Buffer> old = await(genpay.http.get(plain).send());
      assertEquals(200, old.statusCode(), plain);
      assertEquals(answer.bodyAsBuffer(), old.bodyAsBuffer(), plain);
      assertEquals(Assets.SHORT, old.getHeader("Cache-Control"), plain);
      assertEquals(etag, old.getHeader("ETag"), plain);
    }
    assertTrue(all.stream().anyMatch(asset -> asset.endsWith(".js")) && all.stream().anyMatch(a -> a.endsWith(".css")),
        "scripts and style sheets both: " + all);
  }

  @Test
  void aKnownEtagGets304() {
    String page = "/en/tool/veo3";
    HttpResponse<Buffer> html = await(genpay.http.get(page).send());
    String asset = references(html.bodyAsString()).iterator().next();
    for (String path : List.of(page, asset, asset.replaceFirst("\\.[0-9a-f]{8}(\\.[a-z]+)$", "$1"))) {
      HttpResponse<Buffer> first = await(genpay.http.get(path).send());
      String etag = first.getHeader("ETag");
      assertNotNull(etag, path);
      HttpResponse<Buffer> again = await(genpay.http.get(path).putHeader("If-None-Match", etag).send());
      assertEquals(304, again.statusCode(), path);
      assertEquals(etag, again.getHeader("ETag"), path);
      assertEquals(first.getHeader("Cache-Control"), again.getHeader("Cache-Control"), path);
      assertTrue(again.body() == null || again.body().length() == 0, path + ": no body on 304");
      HttpResponse<Buffer> other = await(genpay.http.get(path).putHeader("If-None-Match", "\"0000\"").send());
      assertEquals(200, other.statusCode(), path + " with another ETag");
    }
  }

  @Test
  void anUnknownFingerprintIs404() {
    HttpResponse<Buffer> html = await(genpay.http.get("/en/tool/veo3").send());
    String asset = references(html.bodyAsString()).stream().filter(a -> a.endsWith(".js")).findFirst().orElseThrow();
    assertTrue(FINGERPRINTED.matcher(asset).matches(), asset);
    String hash = asset.replaceFirst("^.*\\.([0-9a-f]{8})\\.js$", "$1");
    String wrong = asset.replace(hash, hash.equals("00000000") ? "11111111" : "00000000");
    HttpResponse<Buffer> answer = await(genpay.http.get(wrong).send());
    assertEquals(404, answer.statusCode(), wrong);
    assertEquals(Problems.CONTENT_TYPE, answer.getHeader("Content-Type"));
    assertEquals(404, await(genpay.http.get("/assets/nothing.js").send()).statusCode());
  }

  @Test
  void aChangedAssetGetsANewName(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("app.js"), "console.log('one');");
    Files.createDirectories(dir.resolve("img"));
    Files.writeString(dir.resolve("img").resolve("logo.svg"), "<svg/>");
    Vertx vertx = genpay.engine.vertx();
    WebClient client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1"));
    String page = "<script src=\"/assets/app.js\"></script><img src=\"/assets/img/logo.svg\">";

    Assets before = await(Assets.load(vertx, dir.toString()));
    HttpServer first = served(vertx, before);
    String oldName = references(before.rewrite(page)).iterator().next();
    assertTrue(FINGERPRINTED.matcher(oldName).matches(), oldName);
    assertEquals(2, references(before.rewrite(page)).stream().filter(a -> FINGERPRINTED.matcher(a).matches()).count(),
        "a file in a subdirectory is fingerprinted too: " + before.rewrite(page));
    assertEquals("console.log('one');", await(client.get(first.actualPort(), "127.0.0.1", oldName).send()).bodyAsString());
    await(first.close());

    Files.writeString(dir.resolve("app.js"), "console.log('two');");
    Assets after = await(Assets.load(vertx, dir.toString()));
    HttpServer second = served(vertx, after);
    try {
      String newName = references(after.rewrite(page)).iterator().next();
      assertNotEquals(oldName, newName, "new content, new name");
      HttpResponse<Buffer> fresh = await(client.get(second.actualPort(), "127.0.0.1", newName).send());
      assertEquals("console.log('two');", fresh.bodyAsString());
      assertEquals(Assets.IMMUTABLE, fresh.getHeader("Cache-Control"));
      assertEquals(404, await(client.get(second.actualPort(), "127.0.0.1", oldName).send()).statusCode(),
          "the old name is gone with its content");
      assertEquals("console.log('two');",
          await(client.get(second.actualPort(), "127.0.0.1", "/assets/app.js").send()).bodyAsString());
    } finally {
      await(second.close());
      client.close();
    }
  }

  private static HttpServer served(Vertx vertx, Assets assets) {
    Router router = Router.router(vertx);
    assets.mount(router);
    return await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
  }
}
