package genpay.sites;

import java.util.List;

/**
 * The URLs of a site's sitemaps, in sitemap order, each once. {@code complete} is false when the count stopped
 * at a limit (the URL cap or the time budget): the URLs are then the ones read until it.
 */
public record SiteCount(String hostname, List<String> urls, boolean complete) {
}
