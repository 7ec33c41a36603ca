package genpay.billing;

import java.util.Map;

/** The same scenarios with each batch of the sandbox's events delivered in a random order: the same end states. */
class ShuffledSubscriptionScenariosTest extends SubscriptionScenarios {

  @Override
  Map<String, String> settings() {
    return Map.of("SANDBOX_STRIPE_SHUFFLE", "true");
  }
}
