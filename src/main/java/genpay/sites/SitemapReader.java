package genpay.sites;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Counts a site's URLs from its sitemaps (DESIGN.md section 16): the {@code Sitemap:} lines of robots.txt, else
 * /sitemap.xml; sitemap indexes followed; gzip decoded as it streams. At most {@code maxUrls} URLs and
 * {@code budget} in all: at either limit it stops and answers what it read, marked incomplete. Only URLs of the
 * site's own host are counted ({@code www.} or not).
 */
public final class SitemapReader {

  public static final int MAX_URLS = 50_000;
  public static final Duration BUDGET = Duration.ofSeconds(15);
  /** sitemaps.org: a sitemap holds at most 50 MB uncompressed; the same bounds what is sent. */
  static final long MAX_SITEMAP_BYTES = 50L * 1024 * 1024;
  static final long MAX_ROBOTS_BYTES = 512 * 1024;
  /** Sitemaps read for one site, indexes included: enough for 50 000 URLs however they are split. */
  static final int MAX_SITEMAPS = 1_000;
  /** Indexes are not meant to nest; a few levels are followed, no more. */
  static final int MAX_INDEX_DEPTH = 3;

  private final GuardedFetcher fetcher;
  private final int maxUrls;
  private final Duration budget;

  public SitemapReader(GuardedFetcher fetcher) {
    this(fetcher, MAX_URLS, BUDGET);
  }

  public SitemapReader(GuardedFetcher fetcher, int maxUrls, Duration budget) {
    this.fetcher = fetcher;
    this.maxUrls = maxUrls;
    this.budget = budget;
  }

  /**
   * The site's URLs. Fails with {@link FetchException}: refused when the site (or a redirect) leads to a
   * non-public address, failed when it could not be read or lists no URL of its own.
   */
  public Future<SiteCount> count(String hostname) {
    return new Crawl(hostname).run();
  }

  private final class Crawl {

    private final String hostname;
    private final String base;
    private final long deadline;
    private final Set<String> urls = new LinkedHashSet<>();
    private final Set<String> seenSitemaps = new HashSet<>();
    private final Deque<Sitemap> queue = new ArrayDeque<>();
    private boolean cut;

    Crawl(String hostname) {
      this.hostname = hostname;
      this.base = SiteAddress.baseUrl(hostname);
      this.deadline = System.nanoTime() + budget.toNanos();
    }

    Future<SiteCount> run() {
      return fetcher.get(base + "/robots.txt", FetchLimits.text(left(), MAX_ROBOTS_BYTES))
          .map(robots -> sitemapLines(robots.body().toString()))
          .recover(failure -> {
            // No robots.txt (404, 5xx, not text) still leaves /sitemap.xml; an unreachable or refused site not.
            if (failure instanceof FetchException fetch && fetch.answered()) {
              return Future.succeededFuture(List.of());
            }
            return Future.failedFuture(failure);
          })
          .compose(listed -> {
            (listed.isEmpty() ? List.of(base + "/sitemap.xml") : listed)
                .forEach(location -> enqueue(location, 0));
            return next();
          })
          .compose(done -> urls.isEmpty()
              ? Future.failedFuture(FetchException.failed("no sitemap URL of " + hostname + " was found"))
              : Future.succeededFuture(new SiteCount(hostname, List.copyOf(urls), !cut)));
    }

    private Future<Void> next() {
      Sitemap sitemap = queue.poll();
      if (sitemap == null || cut) {
        return Future.succeededFuture();
      }
      if (remaining().isZero()) {
        cut = true;
        return Future.succeededFuture();
      }
      return read(sitemap).recover(failure -> {
        if (failure instanceof FetchException fetch && fetch.refused()) {
          return Future.failedFuture(failure);
        }
        if (remaining().isZero()) {
          // The budget ran out mid-sitemap: keep what was read.
          cut = true;
        }
        // One broken or missing sitemap leaves the others.
        return Future.succeededFuture();
      }).compose(read -> next());
    }

    private Future<Void> read(Sitemap sitemap) {
      Promise<Void> done = Promise.promise();
      SitemapScanner scanner = new SitemapScanner(new SitemapScanner.Listener() {
        @Override
        public boolean url(String location) {
          if (ownUrl(location) && !urls.contains(location)) {
            if (urls.size() >= maxUrls) {
              // A URL past the cap: the site has more than is counted.
              cut = true;
              return false;
            }
            urls.add(location);
          }
          return true;
        }

        @Override
        public void sitemap(String location) {
          enqueue(location, sitemap.depth() + 1);
        }
      });
      FetchLimits limits = new FetchLimits(left(), MAX_SITEMAP_BYTES, true);
      fetcher.stream(sitemap.url(), limits, head -> body(head, sitemap.url(), scanner))
          .<Void>mapEmpty().onComplete(done);
      return done.future();
    }

    /** The chunk consumer: gzip (by its magic bytes, whatever the headers say) or plain XML into the scanner. */
    private Predicate<Buffer> body(FetchedPage head, String url, SitemapScanner scanner) {
      return new Predicate<>() {
        private Gunzip gunzip;
        private boolean decided;
        private byte[] first = new byte[0];

        @Override
        public boolean test(Buffer chunk) {
          byte[] bytes = chunk.getBytes();
          if (!decided) {
            byte[] joined = new byte[first.length + bytes.length];
            System.arraycopy(first, 0, joined, 0, first.length);
            System.arraycopy(bytes, 0, joined, first.length, bytes.length);
            if (joined.length < 2) {
              first = joined;
              return true;
            }
            decided = true;
            bytes = joined;
            // XML never starts with 0x1f: these two bytes say gzip more surely than a header or a name ending .gz,
            // and a server that already decoded a .gz file (Content-Encoding dropped) still works.
            if ((bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b) {
              gunzip = new Gunzip(MAX_SITEMAP_BYTES, scanner::feed);
            }
          }
          return gunzip != null ? gunzip.feed(bytes, 0, bytes.length) : scanner.feed(bytes, 0, bytes.length);
        }
      };
    }

    private void enqueue(String location, int depth) {
      if (depth > MAX_INDEX_DEPTH || seenSitemaps.size() >= MAX_SITEMAPS || !ownUrl(location)
          || !seenSitemaps.add(location)) {
        return;
      }
      queue.add(new Sitemap(location, depth));
    }

    private List<String> sitemapLines(String robots) {
      return robots.lines()
          .map(String::strip)
          .filter(line -> line.regionMatches(true, 0, "sitemap:", 0, 8))
          .map(line -> line.substring(8).strip())
          .filter(this::ownUrl)
          .distinct()
          .toList();
    }

    /** An absolute http(s) URL without credentials on the site's own host (port included for localhost:PORT). */
    private boolean ownUrl(String location) {
      URI uri;
      try {
        uri = new URI(location);
      } catch (Exception e) {
        return false;
      }
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null || uri.getRawUserInfo() != null) {
        return false;
      }
      String host = uri.getHost().toLowerCase(Locale.ROOT);
      if (host.endsWith(".")) {
        host = host.substring(0, host.length() - 1);
      }
      String authority = uri.getPort() == -1 || !hostname.contains(":") ? host : host + ":" + uri.getPort();
      return withoutWww(authority).equals(withoutWww(hostname));
    }

    private Duration remaining() {
      long left = deadline - System.nanoTime();
      return left <= 0 ? Duration.ZERO : Duration.ofNanos(left);
    }

    /** The time a fetch may take now: what is left of the budget (at least a millisecond: limits are positive). */
    private Duration left() {
      return remaining().compareTo(Duration.ofMillis(1)) < 0 ? Duration.ofMillis(1) : remaining();
    }
  }

  private static String withoutWww(String host) {
    return host.startsWith("www.") ? host.substring(4) : host;
  }

  private record Sitemap(String url, int depth) {
  }
}
