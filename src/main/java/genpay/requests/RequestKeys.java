package genpay.requests;

/** The Redis keys of generation requests (DESIGN.md section 16, the issue 16 contract). */
public final class RequestKeys {

  /** Paid requests not yet settled (completed, or failed and refunded), scored by when the sweep last looked. */
  public static final String PAID = "genreq:paid";

  private RequestKeys() {
  }

  /** The request, a hash. */
  public static String request(String id) {
    return "genreq:" + id;
  }

  /** The llms.txt document of a completed request. */
  public static String result(String id) {
    return "genreq:" + id + ":result";
  }

  /** The id of the request still awaiting payment or in progress for this hostname and provider. */
  public static String open(String hostname, String provider) {
    return "genreq:open:" + hostname + ":" + provider;
  }

  /** url → its finished entry of the document, kept while the request runs so a claimer skips pages done. */
  public static String lines(String id) {
    return "genreq:" + id + ":lines";
  }

  /** The URLs of a site's calculation, in sitemap order (genpay.sites writes them). */
  public static String calculationUrls(String hostname) {
    return "calculation:" + hostname + ":urls";
  }
}
