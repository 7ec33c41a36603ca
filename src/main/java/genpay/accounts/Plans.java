package genpay.accounts;

import java.util.Set;

/** What a plan allows. A stand-in until the credits configuration names the plans and their features. */
public final class Plans {

  public static final String FREE = "free";
  private static final Set<String> WITH_API = Set.of("pro", "enterprise");

  private Plans() {
  }

  /** Unknown plans get nothing. */
  public static boolean apiAccess(String plan) {
    return plan != null && WITH_API.contains(plan);
  }
}
