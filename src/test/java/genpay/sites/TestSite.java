package genpay.sites;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;

/**
 * A web site on loopback for tests, shaped like a real one: robots.txt with a {@code Sitemap:} line → a sitemap
 * index → a gzipped sitemap and a plain one, listing {@code pages} pages {@code /page/1..N}, each text/html with a
 * {@code <title>Page N</title>}; the home page's title is {@value #TITLE}. URLs are written with the host the
 * request named (Host header), so a site reached as {@code localhost:PORT} lists {@code http://localhost:PORT/...}.
 *
 * <p>Also, always: {@code /redirect} (302 to {@code http://127.0.0.1:PORT/loopback-target}), {@code /loop/N}
 * (redirects forever), {@code /endless} (a text body that never ends), {@code /hang} (never answers),
 * {@code /image.png}. The plain sitemap also lists a URL of another host and an image location, which a count
 * must leave out. Every request is counted by path ({@link #requests(String)}).
 *
 * <pre>{@code
 * TestSite site = TestSite.start(vertx, 120);            // or TestSite.start(vertx, TestSite.options().pages(50_000))
 * String hostname = site.hostname();                     // "localhost:PORT", with ALLOW_PRIVATE_SITES=true
 * }</pre>
 */
public final class TestSite implements AutoCloseable {

  public static final int PAGES = 120;
  public static final String TITLE = "Test Site";

  /** What the site serves; every option is off unless said. */
  public static final class Options {
    private int pages = PAGES;
    private boolean gzip = true;
    private boolean index = true;
    private boolean redirectToLoopback;
    private boolean hangingSitemap;

    /** How many pages the sitemaps list (and the site serves): 120 by default, 50 000 for the cap. */
    public Options pages(int pages) {
      this.pages = pages;
      return this;
    }

    /** false: the first sitemap is plain XML too. */
    public Options gzip(boolean gzip) {
      this.gzip = gzip;
      return this;
    }

    /** false: robots.txt names no sitemap, and /sitemap.xml lists every page. */
    public Options index(boolean index) {
      this.index = index;
      return this;
    }

    /**
     * robots.txt and /sitemap.xml answer 302 to the same path under {@code http://127.0.0.1:PORT/loopback/}
     * (which serves them), so a reader of the site is sent to 127.0.0.1.
     */
    public Options redirectToLoopback(boolean redirect) {
      this.redirectToLoopback = redirect;
      return this;
    }

    /** The index lists, after the two sitemaps, a third one that sends its first bytes and then never ends. */
    public Options hangingSitemap(boolean hanging) {
      this.hangingSitemap = hanging;
      return this;
    }
  }

  private final Vertx vertx;
  private final Options options;
  private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
  private final List<String> hosts = new CopyOnWriteArrayList<>();
  private final Map<String, Buffer> bodies = new ConcurrentHashMap<>();
  private final List<Long> timers = new CopyOnWriteArrayList<>();
  private HttpServer server;

  private TestSite(Vertx vertx, Options options) {
    this.vertx = vertx;
    this.options = options;
  }

  public static Options options() {
    return new Options();
  }

  public static TestSite start(Vertx vertx, int pages) {
    return start(vertx, options().pages(pages));
  }

  /** Listens on 127.0.0.1, on a free port; blocks until it does (call it from a test thread). */
  public static TestSite start(Vertx vertx, Options options) {
    TestSite site = new TestSite(vertx, options);
    site.server = await(vertx.createHttpServer().requestHandler(site::handle).listen(0, "127.0.0.1"));
    return site;
  }

  public int port() {
    return server.actualPort();
  }

  /** The hostname a calculation takes for this site (with ALLOW_PRIVATE_SITES=true). */
  public String hostname() {
    return "localhost:" + port();
  }

  /** {@code http://localhost:PORT{path}}. */
  public String url(String path) {
    return "http://" + hostname() + path;
  }

  /** The URLs of the pages, in sitemap order, as the site lists them when reached at {@code authority}. */
  public List<String> pageUrls(String authority) {
    List<String> urls = new ArrayList<>();
    for (int page = 1; page <= options.pages; page++) {
      urls.add("http://" + authority + "/page/" + page);
    }
    return urls;
  }

  public int requests(String path) {
    AtomicInteger count = requests.get(path);
    return count == null ? 0 : count.get();
  }

  public int requests() {
    return requests.values().stream().mapToInt(AtomicInteger::get).sum();
  }

  /** The Host header of every request, in order. */
  public List<String> hosts() {
    return List.copyOf(hosts);
  }

  @Override
  public void close() {
    timers.forEach(vertx::cancelTimer);
    await(server.close());
  }

  private void handle(HttpServerRequest request) {
    String path = request.path();
    requests.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
    String authority = request.authority() == null ? "127.0.0.1:" + port() : request.authority().toString();
    hosts.add(authority);
    String base = "http://" + authority;
    String loopback = "http://127.0.0.1:" + port() + "/loopback";
    if (path.startsWith("/loopback/")) {
      path = path.substring("/loopback".length());
    } else if (options.redirectToLoopback && (path.equals("/robots.txt") || path.equals("/sitemap.xml"))) {
      redirect(request, loopback + path);
      return;
    }
    int half = (options.pages + 1) / 2;
    switch (path) {
      case "/" -> html(request, TITLE, "<h1>" + TITLE + "</h1><p>A site served on loopback for tests.</p>");
      case "/robots.txt" -> text(request, "text/plain", "User-agent: *\nAllow: /\n"
          + (options.index ? "\nSitemap: " + base + "/sitemap_index.xml\n" : ""));
      case "/sitemap_index.xml" -> text(request, "application/xml", index(base));
      case "/sitemap.xml" -> text(request, "application/xml", urlset(base, 1, options.pages, false));
      case "/sitemap-1.xml.gz" -> send(request, "application/gzip",
          bodies.computeIfAbsent(base + path, key -> gzip(urlset(base, 1, half, false))));
      case "/sitemap-1.xml" -> text(request, "application/xml", urlset(base, 1, half, false));
      case "/sitemap-2.xml" -> text(request, "text/xml; charset=utf-8", urlset(base, half + 1, options.pages, true));
      case "/sitemap-hang.xml" -> {
        request.response().setChunked(true).putHeader("Content-Type", "application/xml")
            .write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
                + "<url><loc>" + base + "/page/1</loc></url>\n");
      }
      case "/redirect" -> redirect(request, "http://127.0.0.1:" + port() + "/loopback-target");
      case "/loopback-target" -> text(request, "text/plain", "you reached 127.0.0.1\n");
      case "/image.png" -> send(request, "image/png", Buffer.buffer(new byte[] {(byte) 0x89, 'P', 'N', 'G'}));
      case "/hang" -> { }
      case "/endless" -> endless(request);
      default -> {
        if (path.startsWith("/loop/")) {
          int step = Integer.parseInt(path.substring("/loop/".length()));
          redirect(request, "/loop/" + (step + 1));
        } else if (path.startsWith("/page/") && page(path) >= 1 && page(path) <= options.pages) {
          int page = page(path);
          html(request, "Page " + page, "<h1>Page " + page + "</h1><p>This is page " + page + " of " + TITLE
              + ". It talks about topic number " + page + ".</p>");
        } else {
          request.response().setStatusCode(404).putHeader("Content-Type", "text/plain").end("not found\n");
        }
      }
    }
  }

  private String index(String base) {
    StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        + "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    xml.append("  <sitemap><loc>").append(base).append(options.gzip ? "/sitemap-1.xml.gz" : "/sitemap-1.xml")
        .append("</loc></sitemap>\n");
    xml.append("  <sitemap><loc>").append(base).append("/sitemap-2.xml</loc></sitemap>\n");
    if (options.hangingSitemap) {
      xml.append("  <sitemap><loc>").append(base).append("/sitemap-hang.xml</loc></sitemap>\n");
    }
    return xml.append("</sitemapindex>\n").toString();
  }

  private String urlset(String base, int from, int to, boolean extras) {
    StringBuilder xml = new StringBuilder(100 + Math.max(0, to - from + 1) * 90)
        .append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        .append("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" ")
        .append("xmlns:image=\"http://www.google.com/schemas/sitemap-image/1.1\">\n");
    for (int page = from; page <= to; page++) {
      xml.append("  <url><loc>").append(base).append("/page/").append(page).append("</loc>");
      if (extras && page == from) {
        xml.append("<image:image><image:loc>").append(base).append("/picture.png</image:loc></image:image>");
      }
      xml.append("<changefreq>weekly</changefreq></url>\n");
    }
    if (extras) {
      xml.append("  <!-- not this site's: --><url><loc>https://elsewhere.example/page</loc></url>\n");
    }
    return xml.append("</urlset>\n").toString();
  }

  private void endless(HttpServerRequest request) {
    var response = request.response().setChunked(true).putHeader("Content-Type", "text/plain");
    Buffer chunk = Buffer.buffer("x".repeat(16 * 1024));
    long[] timer = new long[1];
    timer[0] = vertx.setPeriodic(1, tick -> {
      if (response.closed() || response.ended()) {
        vertx.cancelTimer(timer[0]);
      } else if (!response.writeQueueFull()) {
        response.write(chunk);
      }
    });
    timers.add(timer[0]);
  }

  private static int page(String path) {
    try {
      return Integer.parseInt(path.substring("/page/".length()));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static void redirect(HttpServerRequest request, String location) {
    request.response().setStatusCode(302).putHeader("Location", location).end();
  }

  private static void html(HttpServerRequest request, String title, String body) {
    text(request, "text/html; charset=utf-8", "<!doctype html><html><head><title>" + title + "</title></head><body>"
        + body + "</body></html>\n");
  }

  private static void text(HttpServerRequest request, String type, String body) {
    send(request, type, Buffer.buffer(body, "UTF-8"));
  }

  private static void send(HttpServerRequest request, String type, Buffer body) {
    request.response().putHeader("Content-Type", type).end(body);
  }

  private static Buffer gzip(String text) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Buffer.buffer(bytes.toByteArray());
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
