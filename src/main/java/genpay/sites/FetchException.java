package genpay.sites;

/** A fetch that did not give a page: refused by the address guard, or the site could not be read. */
public final class FetchException extends RuntimeException {

  public enum Kind {
    /** The URL or an address it resolves to (also after a redirect) is not allowed: nothing was sent to it. */
    REFUSED,
    /** No answer, a non-2xx answer, a wrong content type, too large, too slow, too many redirects. */
    FAILED
  }

  private final Kind kind;
  private final int status;
  private final boolean answered;

  private FetchException(Kind kind, int status, boolean answered, String message) {
    super(message, null, false, false);
    this.kind = kind;
    this.status = status;
    this.answered = answered;
  }

  public static FetchException refused(String message) {
    return new FetchException(Kind.REFUSED, 0, false, message);
  }

  /** No usable answer came: the name did not resolve, no connection, no complete answer in time. */
  public static FetchException failed(String message) {
    return new FetchException(Kind.FAILED, 0, false, message);
  }

  /** The site answered, but not with what was asked for: wrong content type, too large, bad data. */
  public static FetchException unusable(String message) {
    return new FetchException(Kind.FAILED, 0, true, message);
  }

  public static FetchException status(int status, String url) {
    return new FetchException(Kind.FAILED, status, true, url + " answered " + status);
  }

  public Kind kind() {
    return kind;
  }

  public boolean refused() {
    return kind == Kind.REFUSED;
  }

  /** The site answered (a non-2xx status, a wrong content type, too large): it is there, the page is not. */
  public boolean answered() {
    return answered;
  }

  /** The HTTP status the site answered, or 0 when it gave none. */
  public int status() {
    return status;
  }
}
