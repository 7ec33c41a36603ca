package genpay.sites;

import java.time.Duration;
import java.util.Locale;

/**
 * What one fetch may take: the time for all of it (name resolution, redirects, body), the body's bytes as sent,
 * and which content types it accepts. Text types always; {@code archives} adds gzip, for sitemaps.
 */
public record FetchLimits(Duration timeout, long maxBytes, boolean archives) {

  /** A page the generation reads (DESIGN.md section 16): 10 s, 1 MiB, text only. */
  public static final FetchLimits PAGE = new FetchLimits(Duration.ofSeconds(10), 1024 * 1024, false);

  public FetchLimits {
    if (timeout.isNegative() || timeout.isZero() || maxBytes <= 0) {
      throw new IllegalArgumentException("limits must be positive");
    }
  }

  public static FetchLimits text(Duration timeout, long maxBytes) {
    return new FetchLimits(timeout, maxBytes, false);
  }

  public FetchLimits withTimeout(Duration shorter) {
    return new FetchLimits(shorter, maxBytes, archives);
  }

  /** text/*, XML and HTML (application/xml, application/xhtml+xml, application/*+xml); gzip when archives. */
  public boolean admits(String contentType) {
    if (contentType == null || contentType.isBlank()) {
      // Servers often send a sitemap without one; a page must say it is text.
      return archives;
    }
    String type = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    if (type.startsWith("text/") || type.equals("application/xml") || type.equals("application/xhtml+xml")
        || (type.startsWith("application/") && type.endsWith("+xml"))) {
      return true;
    }
    return archives && (type.equals("application/gzip") || type.equals("application/x-gzip")
        || type.equals("application/octet-stream"));
  }

  /** What the Accept header asks for. */
  String accept() {
    return archives ? "application/xml, text/xml, application/gzip, text/*;q=0.8, */*;q=0.1"
        : "text/html, application/xhtml+xml, application/xml;q=0.9, text/*;q=0.8";
  }
}
