package genpay.config;

/** Every event-bus address of the engine, in one place. Payloads are JSON so they may cross nodes. */
public final class Addresses {

  /** Store a new pending order; replies with its snapshot. */
  public static final String SESSIONS_CREATE = "sessions.create";
  /** Read a session snapshot; fails 404 when unknown. */
  public static final String SESSIONS_GET = "sessions.get";
  /** Apply what Stripe says of a Checkout Session (paid, expired, failed); replies with the outcome. */
  public static final String SESSIONS_APPLY = "sessions.apply";
  /** Is Redis reachable? Replies or fails 503. */
  public static final String SESSIONS_PING = "sessions.ping";

  /** One publish per committed change, cluster-wide: the new session snapshot and, for a file change, the file. */
  public static final String STATUS_CHANGED = "status.changed";

  /** Create a Checkout Session at Stripe (worker verticle). */
  public static final String STRIPE_CHECKOUT_CREATE = "stripe.checkout.create";
  /** Retrieve a Checkout Session from Stripe (worker verticle). */
  public static final String STRIPE_CHECKOUT_RETRIEVE = "stripe.checkout.retrieve";
  /** Expire an open Checkout Session at Stripe (worker verticle). */
  public static final String STRIPE_CHECKOUT_EXPIRE = "stripe.checkout.expire";

  private Addresses() {
  }
}
