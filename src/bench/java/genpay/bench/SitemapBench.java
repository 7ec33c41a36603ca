package genpay.bench;

import genpay.sites.GuardedFetcher;
import genpay.sites.SiteCount;
import genpay.sites.SitemapReader;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

/**
 * The time to count a site's sitemap URLs (DESIGN.md section 16) on this machine: a site on loopback shaped like
 * TestSite (robots.txt → a sitemap index → a gzipped sitemap and a plain one) listing URLS URLs, counted RUNS times
 * by the engine's SitemapReader (guarded fetcher, private sites allowed for loopback). Prints every run and the
 * median. Self-contained (one file), run by scripts/bench-sitemap:
 * java -cp target/genpay.jar src/bench/java/genpay/bench/SitemapBench.java URLS RUNS
 */
public class SitemapBench {

  public static void main(String[] args) throws Exception {
    int urls = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 7;
    Vertx vertx = Vertx.vertx();
    int half = (urls + 1) / 2;
    Buffer[] bodies = new Buffer[4];
    HttpServer server = vertx.createHttpServer().requestHandler(request -> {
      String base = "http://" + request.authority();
      switch (request.path()) {
        case "/robots.txt" -> request.response().putHeader("Content-Type", "text/plain")
            .end("User-agent: *\nSitemap: " + base + "/sitemap_index.xml\n");
        case "/sitemap_index.xml" -> request.response().putHeader("Content-Type", "application/xml")
            .end("<?xml version=\"1.0\"?><sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
                + "<sitemap><loc>" + base + "/sitemap-1.xml.gz</loc></sitemap>"
                + "<sitemap><loc>" + base + "/sitemap-2.xml</loc></sitemap></sitemapindex>");
        case "/sitemap-1.xml.gz" -> request.response().putHeader("Content-Type", "application/gzip")
            .end(bodies[0] == null ? bodies[0] = gzip(urlset(base, 1, half)) : bodies[0]);
        case "/sitemap-2.xml" -> request.response().putHeader("Content-Type", "application/xml")
            .end(bodies[1] == null ? bodies[1] = Buffer.buffer(urlset(base, half + 1, urls)) : bodies[1]);
        default -> request.response().setStatusCode(404).end();
      }
    }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    String hostname = "localhost:" + server.actualPort();
    GuardedFetcher fetcher = new GuardedFetcher(vertx, true);
    SitemapReader reader = new SitemapReader(fetcher);
    System.out.printf("sitemap count: %d URLs (robots.txt -> index -> %d gzipped + %d plain), %d runs, %d cores%n",
        urls, half, urls - half, runs, Runtime.getRuntime().availableProcessors());
    List<Double> times = new ArrayList<>();
    for (int run = 1; run <= runs; run++) {
      long start = System.nanoTime();
      SiteCount count = reader.count(hostname).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      double ms = (System.nanoTime() - start) / 1e6;
      times.add(ms);
      System.out.printf("  run %d: %d URLs (complete=%s) in %.0f ms%n", run, count.urls().size(), count.complete(), ms);
    }
    List<Double> sorted = new ArrayList<>(times);
    Collections.sort(sorted);
    System.out.printf("time to count a %d-URL sitemap: median %.0f ms (first run, cold JIT: %.0f ms)%n", urls,
        sorted.get(sorted.size() / 2), times.get(0));
    fetcher.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static String urlset(String base, int from, int to) {
    StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        + "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for (int page = from; page <= to; page++) {
      xml.append("  <url><loc>").append(base).append("/page/").append(page)
          .append("</loc><lastmod>2025-01-01</lastmod><changefreq>weekly</changefreq></url>\n");
    }
    return xml.append("</urlset>\n").toString();
  }

  private static Buffer gzip(String text) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return Buffer.buffer(bytes.toByteArray());
  }
}
