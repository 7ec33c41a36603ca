package genpay.admin;

import genpay.accounts.Tokens;
import genpay.redis.Shards;

import java.util.Locale;

/**
 * The keys the admin console reads and writes (DESIGN.md section 19), each under a shard's tag like every other
 * key of an order (section 18). The session scripts write the first two with the order (lua/snapshot.lua).
 */
public final class AdminKeys {

  /** The append-only audit stream of every admin action: {@code {at, admin, action, target, reason}}. */
  public static final String AUDIT = "audit";

  private AdminKeys() {
  }

  /** Sorted set of the shard's order ids by createdAt (ms): the orders list walks it newest first. */
  public static String ordersCreated(String tag) {
    return "orders:" + tag + ":created";
  }

  /** The Stripe events applied to an order, newest first, capped at 50: JSON {@code {id, type, at}}. */
  public static String stripeApplied(String tag, String orderId) {
    return "stripe:applied:" + tag + ":" + orderId;
  }

  /** An order's audit entries (JSON, newest first), in the order's shard: what its page shows. */
  public static String orderAudit(String tag, String orderId) {
    return "audit:" + tag + ":" + orderId;
  }

  /** The SHA-256 of a lower-cased, trimmed e-mail: the index's key holds no address in clear. */
  public static String emailHash(String email) {
    return Tokens.sha256(email.strip().toLowerCase(Locale.ROOT));
  }

  /**
   * Sorted set of the order ids paid by an address in one shard (the orders'), by createdAt: the paid script
   * writes it with the payment, and a search reads the address's set in every shard.
   */
  public static String ordersOfEmail(String tag, String email) {
    return "orders:email:" + tag + ":" + (email == null || email.isBlank() ? "" : emailHash(email));
  }
}
