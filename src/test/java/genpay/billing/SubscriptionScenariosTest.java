package genpay.billing;

import java.util.Map;

/** The scenarios with the sandbox's events in Stripe's order. */
class SubscriptionScenariosTest extends SubscriptionScenarios {

  @Override
  Map<String, String> settings() {
    return Map.of();
  }
}
