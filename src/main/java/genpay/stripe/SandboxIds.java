package genpay.stripe;

import genpay.redis.Shards;

import java.security.SecureRandom;

/**
 * Ids shaped like Stripe's test-mode ids. An object the sandbox makes for another (a payment intent for its
 * Checkout Session, a subscription for its customer) is minted in its owner's shard, so every key one script of
 * the sandbox touches carries one hash tag, found from any id alone ({@link #tag}). The sandbox's spread is fixed
 * (the default shard count): it is not the engine's data, and every node's sandbox must find an object from its id.
 */
final class SandboxIds {

  static final Shards SHARDS = Shards.DEFAULT;

  private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  private static final SecureRandom RANDOM = new SecureRandom();

  private SandboxIds() {
  }

  /** A new id in the shard of {@code owner} (an id, or an Idempotency-Key): one tag with it. */
  static String near(String owner, String prefix, int length) {
    return owner == null || owner.isEmpty() ? next(prefix, length) : SHARDS.mintNear(owner, () -> next(prefix, length));
  }

  /** The hash tag of an id's shard, which every key of the object carries. */
  static String tag(String id) {
    return SHARDS.tagOf(id);
  }

  static String next(String prefix, int length) {
    StringBuilder id = new StringBuilder(prefix);
    for (int i = 0; i < length; i++) {
      id.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return id.toString();
  }
}
