package genpay.requests;

import genpay.redis.Shards;

/**
 * The Redis keys of generation requests (DESIGN.md sections 16 and 18). A request id is minted in the shard of its
 * hostname and provider ({@link #owner}), so the request, its document, its lines, the open-request lookup of its
 * hostname and its shard's job stream share one tag: creating, completing and failing it stay one script each.
 */
public final class RequestKeys {

  private RequestKeys() {
  }

  /** What a request id's shard is drawn from. */
  public static String owner(String hostname, String provider) {
    return hostname + ":" + provider;
  }

  /** A new request id in the shard of its hostname and provider. */
  public static String newId(Shards shards, String hostname, String provider) {
    return shards.mintNear(owner(hostname, provider), RequestIds::next);
  }

  /** The request, a hash. */
  public static String request(String tag, String id) {
    return "genreq:" + tag + ":" + id;
  }

  /** The llms.txt document of a completed request. */
  public static String result(String tag, String id) {
    return request(tag, id) + ":result";
  }

  /** The id of the request still awaiting payment or in progress for this hostname and provider. */
  public static String open(String tag, String hostname, String provider) {
    return "genreq:open:" + tag + ":" + hostname + ":" + provider;
  }

  /** url → its finished entry of the document, kept while the request runs so a claimer skips pages done. */
  public static String lines(String tag, String id) {
    return request(tag, id) + ":lines";
  }

  /** Paid requests of a shard not yet settled (completed, or failed and refunded), scored by when the sweep last looked. */
  public static String paid(String tag) {
    return "genreq:paid:" + tag;
  }

  /** A site's calculation: the hostname is its hash tag, so its hash and its URL list change in one transaction. */
  public static String calculation(String hostname) {
    return "calculation:{" + hostname + "}";
  }

  /** The URLs of a site's calculation, in sitemap order (genpay.sites writes them). */
  public static String calculationUrls(String hostname) {
    return calculation(hostname) + ":urls";
  }
}
