package genpay.sites;

import io.vertx.core.buffer.Buffer;

/**
 * A page as fetched: the URL it was finally served from (after redirects), its 2xx status, content type and
 * body (empty for a streamed fetch, whose body went to its consumer).
 */
public record FetchedPage(String url, int status, String contentType, Buffer body) {
}
