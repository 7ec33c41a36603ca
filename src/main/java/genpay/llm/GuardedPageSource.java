package genpay.llm;

import genpay.sites.FetchException;
import genpay.sites.FetchLimits;
import genpay.sites.GuardedFetcher;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.nio.charset.StandardCharsets;

/**
 * The worker's pages through the SSRF-guarded fetcher (10 s, 1 MiB, text only): every URL of a sitemap is someone
 * else's input, so each address it resolves to, and each redirect, is checked before a byte is sent.
 */
public final class GuardedPageSource implements PageSource {

  private final GuardedFetcher fetcher;

  public GuardedPageSource(Vertx vertx, boolean allowPrivate) {
    this.fetcher = new GuardedFetcher(vertx, allowPrivate);
  }

  @Override
  public Future<Page> fetch(String url) {
    return fetcher.get(url, FetchLimits.PAGE)
        .map(page -> new Page(page.url(), page.status(), page.contentType(),
            page.body().toString(StandardCharsets.UTF_8)))
        // A status the site answered is a page the worker judges (a 4xx is not retried); the rest stay failures.
        .recover(failure -> failure instanceof FetchException fetch && fetch.answered() && fetch.status() > 0
            ? Future.succeededFuture(new Page(url, fetch.status(), null, ""))
            : Future.failedFuture(failure));
  }

  @Override
  public void close() {
    fetcher.close();
  }
}
