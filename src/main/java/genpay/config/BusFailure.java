package genpay.config;

/** Failure codes carried by event-bus replies; they match the HTTP status the web layer answers with. */
public final class BusFailure {

  public static final int BAD_REQUEST = 400;
  public static final int NOT_FOUND = 404;
  public static final int BAD_GATEWAY = 502;
  public static final int UNAVAILABLE = 503;

  private BusFailure() {
  }
}
