package genpay.llm;

import io.vertx.core.Future;

/**
 * Where the worker reads a site's pages. The engine's implementation must be the SSRF-guarded fetcher
 * (genpay.sites.GuardedFetcher): every URL of a sitemap is someone else's input.
 */
public interface PageSource {

  /** The page as served (any status), or a failure when nothing usable came back (no answer, too big, not text). */
  Future<Page> fetch(String url);

  default void close() {
  }

  /** One fetched page: its final URL, status, content type and text. */
  record Page(String url, int status, String contentType, String body) {
  }
}
