package genpay.stripe;

import com.stripe.StripeClient;
import com.stripe.model.Customer;
import com.stripe.model.checkout.Session;
import com.stripe.param.CustomerCreateParams;
import genpay.TestEngine;
import genpay.config.Settings;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static genpay.TestEngine.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** SANDBOX_STRIPE_SHUFFLE: each batch of events arrives whole, in a random order. */
class SandboxShuffleTest {

  private static TestEngine genpay;
  private static SandboxEventInbox inbox;

  @BeforeAll
  static void start() throws Exception {
    int appPort = TestEngine.freePort();
    genpay = TestEngine.start(Map.of("APP_URL", "http://127.0.0.1:" + appPort,
        "STRIPE_WEBHOOK_SECRET", SandboxEventInbox.SECRET, "SANDBOX_STRIPE_SHUFFLE", "true"));
    inbox = SandboxEventInbox.listen(genpay.engine.vertx(), appPort);
  }

  @AfterAll
  static void stop() {
    inbox.close();
    genpay.close();
  }

  @Test
  void aBatchArrivesWholeInTheOrderItsRandomSourceDrew() {
    String customer = "cus_shuffle" + System.nanoTime();
    List<BillingSteps.Event> batch = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      batch.add(new BillingSteps.Event("test.event." + i, new JsonObject().put("id", "obj_" + i)
          .put("customer", customer)));
    }
    SandboxWebhookSender sender = new SandboxWebhookSender(genpay.engine.vertx(), genpay.settings(), new Random(42));
    genpay.engine.vertx().runOnContext(go -> sender.sendBilling(batch));
    List<String> arrived = SandboxEventInbox.types(inbox.await(customer, 7));

    List<String> sent = batch.stream().map(BillingSteps.Event::type).toList();
    List<String> drawn = new ArrayList<>(sent);
    Collections.shuffle(drawn, new Random(42));
    assertEquals(new HashSet<>(sent), new HashSet<>(arrived), "the same set");
    assertEquals(drawn, arrived, "in the order the seeded source drew");
    assertNotEquals(sent, arrived, "not the order it was sent in");
  }

  @Test
  void aSubscriptionCheckoutSendsItsWholeSetShuffled() throws Exception {
    StripeClient stripe = StripeClient.builder().setApiKey(Settings.SANDBOX_SECRET_KEY)
        .setApiBase("http://127.0.0.1:" + genpay.port + StripeSandbox.API_PREFIX).build();
    Customer customer = stripe.v1().customers().create(CustomerCreateParams.builder().setEmail("s@example.com").build());
    Session session = stripe.v1().checkout().sessions().create(com.stripe.param.checkout.SessionCreateParams.builder()
        .setMode(com.stripe.param.checkout.SessionCreateParams.Mode.SUBSCRIPTION).setCustomer(customer.getId())
        .addLineItem(com.stripe.param.checkout.SessionCreateParams.LineItem.builder()
            .setPrice("price_sandbox_pro_monthly").setQuantity(1L).build())
        .setSuccessUrl("http://localhost/ok").setCancelUrl("http://localhost/no").build());
    assertEquals(303, await(genpay.http.post("/sandbox/stripe/pay/" + session.getId() + "/complete")
        .putHeader("Content-Type", "application/x-www-form-urlencoded")
        .sendBuffer(Buffer.buffer("outcome=paid&card=4242424242424242"))).statusCode());
    List<String> arrived = SandboxEventInbox.types(inbox.await(customer.getId(), 7));
    assertEquals(new HashSet<>(List.of("customer.subscription.created", "invoice.created", "invoice.finalized",
        "invoice.paid", "payment_intent.succeeded", "customer.subscription.updated", "checkout.session.completed")),
        new HashSet<>(arrived));
    assertEquals(7, arrived.size());
  }
}
