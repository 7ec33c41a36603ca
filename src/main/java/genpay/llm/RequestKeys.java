package genpay.llm;

/** The Redis keys of a generation request the worker touches (section 16; the hash itself is made by the API). */
public final class RequestKeys {

  private RequestKeys() {
  }

  public static String request(String id) {
    return "genreq:" + id;
  }

  public static String result(String id) {
    return "genreq:" + id + ":result";
  }

  /** url → its finished entry of the document, kept while the request runs so a claimer skips pages done. */
  public static String lines(String id) {
    return "genreq:" + id + ":lines";
  }

  public static String open(String hostname, String provider) {
    return "genreq:open:" + hostname + ":" + provider;
  }

  public static String calculationUrls(String hostname) {
    return "calculation:" + hostname + ":urls";
  }
}
