package genpay.sites;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static genpay.sites.GuardedFetcherTest.await;
import static genpay.sites.GuardedFetcherTest.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sitemap reader against {@link TestSite} as {@code localhost:PORT}, with private sites allowed. */
class SitemapReaderTest {

  private static Vertx vertx;
  private static GuardedFetcher fetcher;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    fetcher = new GuardedFetcher(vertx, true);
  }

  @AfterAll
  static void stop() {
    fetcher.close();
    await(vertx.close());
  }

  @Test
  void countsTheUrlsOfRobotsIndexGzippedAndPlainSitemaps() {
    try (TestSite site = TestSite.start(vertx, TestSite.PAGES)) {
      SiteCount count = await(new SitemapReader(fetcher).count(site.hostname()));
      assertEquals(120, count.urls().size());
      // In sitemap order, each once, this host's only (no other host, no image location).
      assertEquals(site.pageUrls(site.hostname()), count.urls());
      assertTrue(count.complete());
      assertEquals(1, site.requests("/sitemap-1.xml.gz"));
      assertEquals(1, site.requests("/sitemap-2.xml"));
      assertEquals(0, site.requests("/sitemap.xml"));
    }
  }

  @Test
  void withoutASitemapLineReadsSitemapXml() {
    try (TestSite site = TestSite.start(vertx, TestSite.options().index(false).pages(30))) {
      SiteCount count = await(new SitemapReader(fetcher).count(site.hostname()));
      assertEquals(30, count.urls().size());
      assertEquals(1, site.requests("/sitemap.xml"));
    }
  }

  @Test
  void stopsAtTheUrlCapWithoutReadingFurther() {
    try (TestSite site = TestSite.start(vertx, TestSite.options().pages(SitemapReader.MAX_URLS + 10))) {
      SiteCount count = await(new SitemapReader(fetcher).count(site.hostname()), 60);
      assertEquals(SitemapReader.MAX_URLS, count.urls().size());
      assertFalse(count.complete());
      assertEquals(site.url("/page/" + SitemapReader.MAX_URLS), count.urls().get(SitemapReader.MAX_URLS - 1));
    }
    try (TestSite site = TestSite.start(vertx, SitemapReader.MAX_URLS)) {
      SiteCount count = await(new SitemapReader(fetcher).count(site.hostname()), 60);
      assertEquals(SitemapReader.MAX_URLS, count.urls().size());
      assertTrue(count.complete(), "exactly the cap is all of the site");
    }
  }

  @Test
  void stopsWhenTheTimeBudgetIsSpentAndKeepsWhatItRead() {
    assertEquals(Duration.ofSeconds(15), SitemapReader.BUDGET);
    try (TestSite site = TestSite.start(vertx, TestSite.options().hangingSitemap(true))) {
      // The third sitemap never ends: only the budget ends this count.
      SiteCount count = await(new SitemapReader(fetcher, SitemapReader.MAX_URLS, Duration.ofMillis(1500))
          .count(site.hostname()));
      assertFalse(count.complete());
      assertEquals(120, count.urls().size());
      assertEquals(1, site.requests("/sitemap-hang.xml"));
    }
  }

  @Test
  void aRedirectToLoopbackIsRefusedWhenPrivateSitesAreNot() {
    // The fixture redirects robots.txt to 127.0.0.1. The policy trusts the name localhost as if it were a public
    // site (see GuardedFetcherTest), so only the redirect's literal address meets the real check.
    try (TestSite site = TestSite.start(vertx, TestSite.options().redirectToLoopback(true));
        GuardedFetcher guarded = new GuardedFetcher(vertx,
            host -> host.equals("localhost")
                ? io.vertx.core.Future.succeededFuture(java.util.List.of(java.net.InetAddress.getLoopbackAddress()))
                : io.vertx.core.Future.failedFuture("no lookups outside the test"),
            (host, address) -> host.equals("localhost") || AddressCheck.isPublic(address))) {
      FetchException refused = failure(new SitemapReader(guarded).count(site.hostname()));
      assertTrue(refused.refused(), refused.getMessage());
      assertEquals(1, site.requests("/robots.txt"));
      assertEquals(0, site.requests("/loopback/robots.txt"));
    }
  }

  @Test
  void aSiteThatCannotBeReachedFails() {
    int closed = genpay.TestEngine.freePort();
    FetchException failed = failure(new SitemapReader(fetcher).count("localhost:" + closed));
    assertFalse(failed.refused());
  }

  @Test
  void scannerReadsCdataEntitiesAndPrefixedNames() {
    java.util.List<String> seen = new java.util.ArrayList<>();
    SitemapScanner scanner = new SitemapScanner(new SitemapScanner.Listener() {
      @Override
      public boolean url(String location) {
        seen.add(location);
        return true;
      }

      @Override
      public void sitemap(String location) {
        seen.add("index:" + location);
      }
    });
    String xml = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e \"boom\">]><!-- <loc>no</loc> -->"
        + "<sm:urlset xmlns:sm=\"http://www.sitemaps.org/schemas/sitemap/0.9\" a='>'>"
        + "<sm:url><sm:loc> http://a.example/?x=1&amp;y=2 </sm:loc></sm:url>"
        + "<sm:url><sm:loc><![CDATA[http://a.example/c?x=1&y=2]]></sm:loc></sm:url>"
        + "<sm:url><sm:loc>http://a.example/&#233;&e;</sm:loc></sm:url></sm:urlset>";
    byte[] bytes = xml.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    // One byte at a time: every state must survive a chunk boundary anywhere.
    for (int i = 0; i < bytes.length; i++) {
      scanner.feed(bytes, i, 1);
    }
    assertEquals(java.util.List.of("http://a.example/?x=1&y=2", "http://a.example/c?x=1&y=2",
        "http://a.example/\u00e9&e;"), seen);
  }
}
