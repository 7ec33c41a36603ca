package genpay.stripe;

import com.stripe.StripeClient;
import com.stripe.exception.AuthenticationException;
import com.stripe.exception.IdempotencyException;
import com.stripe.exception.InvalidRequestException;
import com.stripe.exception.StripeException;
import com.stripe.model.Refund;
import com.stripe.model.checkout.Session;
import com.stripe.net.RequestOptions;
import com.stripe.param.RefundCreateParams;
import com.stripe.param.checkout.SessionCreateParams;
import genpay.TestEngine;
import genpay.config.Settings;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static genpay.TestEngine.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** stripe-java itself, over HTTP, against the sandbox: the same code path as live Stripe. */
class StripeSandboxTest {

  private static TestEngine genpay;
  private static StripeClient stripe;

  @BeforeAll
  static void start() throws Exception {
    genpay = TestEngine.start();
    stripe = client(Settings.SANDBOX_SECRET_KEY);
  }

  @AfterAll
  static void stop() {
    genpay.close();
  }

  private static StripeClient client(String key) {
    return StripeClient.builder().setApiKey(key)
        .setApiBase("http://127.0.0.1:" + genpay.port + StripeSandbox.API_PREFIX).build();
  }

  private static SessionCreateParams params(String price, long quantity) {
    return SessionCreateParams.builder()
        .setMode(SessionCreateParams.Mode.PAYMENT)
        .setSuccessUrl("http://localhost/en/payment-success/{CHECKOUT_SESSION_ID}")
        .setCancelUrl("http://localhost/en/tool/x?canceled=1")
        .addLineItem(SessionCreateParams.LineItem.builder().setPrice(price).setQuantity(quantity).build())
        .putMetadata("video_count", String.valueOf(quantity))
        .build();
  }

  @Test
  void createRetrieveExpireInStripesShapes() throws Exception {
    Session created = stripe.v1().checkout().sessions().create(params(Settings.SANDBOX_PRICE_ID, 3));
    assertTrue(created.getId().matches("^cs_test_[A-Za-z0-9]{58}$"), created.getId());
    assertEquals("open", created.getStatus());
    assertEquals("unpaid", created.getPaymentStatus());
    assertEquals(3 * genpay.settings().priceAmount(), created.getAmountTotal());
    assertEquals(genpay.settings().appUrl() + "/sandbox/stripe/pay/" + created.getId(), created.getUrl());

    Session retrieved = stripe.v1().checkout().sessions().retrieve(created.getId());
    assertEquals(created.getId(), retrieved.getId());
    assertEquals("3", retrieved.getMetadata().get("video_count"));

    Session expired = stripe.v1().checkout().sessions().expire(created.getId());
    assertEquals("expired", expired.getStatus());
    InvalidRequestException again = assertThrows(InvalidRequestException.class,
        () -> stripe.v1().checkout().sessions().expire(created.getId()));
    assertEquals("checkout_session_not_open", again.getCode());
  }

  @Test
  void anIdempotentRetryGetsTheSameSession() throws Exception {
    var options = com.stripe.net.RequestOptions.builder().setIdempotencyKey("retry-" + System.nanoTime()).build();
    Session first = stripe.v1().checkout().sessions().create(params(Settings.SANDBOX_PRICE_ID, 1), options);
    Session second = stripe.v1().checkout().sessions().create(params(Settings.SANDBOX_PRICE_ID, 1), options);
    assertEquals(first.getId(), second.getId());
  }

  /**
   * Redis holds the sandbox's writes (CLIENT PAUSE WRITE) until the create has timed out and answered 503: the
   * answer is lost, the write lands afterwards. The caller retries with the same Idempotency-Key, as stripe-java
   * does, and must get a session it can use, never a key that points at nothing.
   */
  @Test
  void aCreateWhoseAnswerWasLostIsFoundAgainByItsIdempotencyKey() throws Exception {
    StripeClient once = StripeClient.builder().setApiKey(Settings.SANDBOX_SECRET_KEY).setMaxNetworkRetries(0)
        .setApiBase("http://127.0.0.1:" + genpay.port + StripeSandbox.API_PREFIX).build();
    // A first create loads the sandbox's script into Redis, so the paused write is the create itself.
    once.v1().checkout().sessions().create(params(Settings.SANDBOX_PRICE_ID, 1));
    RequestOptions options = RequestOptions.builder().setIdempotencyKey("lost-" + System.nanoTime()).build();

    await(genpay.redis.send(Request.cmd(Command.CLIENT).arg("PAUSE").arg(60_000).arg("WRITE")));
    try {
      StripeException lost = assertThrows(StripeException.class,
          () -> once.v1().checkout().sessions().create(params(Settings.SANDBOX_PRICE_ID, 2), options));
      assertEquals(503, lost.getStatusCode());
    } finally {
      // Redis runs the held commands before it answers UNPAUSE.
      await(genpay.redis.send(Request.cmd(Command.CLIENT).arg("UNPAUSE")));
    }

    Session retried = once.v1().checkout().sessions().create(params(Settings.SANDBOX_PRICE_ID, 2), options);
    assertEquals("open", retried.getStatus());
    assertEquals(2 * genpay.settings().priceAmount(), retried.getAmountTotal());
    Session retrieved = once.v1().checkout().sessions().retrieve(retried.getId());
    assertEquals(retried.getId(), retrieved.getId());
    assertEquals(200, await(genpay.http.get("/sandbox/stripe/pay/" + retried.getId()).send()).statusCode());
    assertEquals(retried.getId(), once.v1().checkout().sessions().create(params(Settings.SANDBOX_PRICE_ID, 2),
        options).getId(), "and every later retry gets the same one");
  }

  @Test
  void theSameIdempotencyKeyWithOtherParametersIsAnIdempotencyError() throws Exception {
    var options = com.stripe.net.RequestOptions.builder().setIdempotencyKey("params-" + System.nanoTime()).build();
    Session first = stripe.v1().checkout().sessions().create(params(Settings.SANDBOX_PRICE_ID, 1), options);
    IdempotencyException other = assertThrows(IdempotencyException.class,
        () -> stripe.v1().checkout().sessions().create(params(Settings.SANDBOX_PRICE_ID, 3), options));
    assertEquals(400, other.getStatusCode());
    assertEquals(first.getId(),
        stripe.v1().checkout().sessions().create(params(Settings.SANDBOX_PRICE_ID, 1), options).getId());
  }

  @Test
  void unknownPriceAndUnknownSessionAreStripeErrors() {
    InvalidRequestException price = assertThrows(InvalidRequestException.class,
        () -> stripe.v1().checkout().sessions().create(params("price_nope", 1)));
    assertEquals("resource_missing", price.getCode());
    InvalidRequestException session = assertThrows(InvalidRequestException.class,
        () -> stripe.v1().checkout().sessions().retrieve("cs_test_doesnotexist"));
    assertEquals(404, session.getStatusCode());
  }

  @Test
  void liveKeysAreRefused() {
    AuthenticationException refused = assertThrows(AuthenticationException.class,
        () -> client("sk_live_notallowedhere").v1().checkout().sessions().retrieve("cs_test_x"));
    assertEquals("live_key_refused", refused.getCode());
  }

  @Test
  void payingOnTheHostedPageRedirectsToTheSuccessPage() throws Exception {
    Session created = stripe.v1().checkout().sessions().create(params(Settings.SANDBOX_PRICE_ID, 2));
    HttpResponse<Buffer> page = await(genpay.http.get("/sandbox/stripe/pay/" + created.getId()).send());
    assertEquals(200, page.statusCode());
    assertTrue(page.bodyAsString().contains("Stripe sandbox"), "the page says it is a sandbox");
    assertTrue(page.bodyAsString().contains("value=\"paid\""));

    HttpResponse<Buffer> paid = genpay.clickOnCheckoutPage(created.getId(), "paid");
    assertEquals(303, paid.statusCode());
    assertEquals("http://localhost/en/payment-success/" + created.getId(), paid.getHeader("Location"));

    Session after = stripe.v1().checkout().sessions().retrieve(created.getId());
    assertEquals("complete", after.getStatus());
    assertEquals("paid", after.getPaymentStatus());

    HttpResponse<Buffer> twice = genpay.clickOnCheckoutPage(created.getId(), "declined");
    assertEquals(400, twice.statusCode());
    assertEquals("paid", stripe.v1().checkout().sessions().retrieve(created.getId()).getPaymentStatus());

    Refund refund = stripe.v1().refunds().create(RefundCreateParams.builder()
        .setPaymentIntent(after.getPaymentIntent()).build());
    assertEquals("succeeded", refund.getStatus());
    assertEquals(after.getAmountTotal(), refund.getAmount(), "without an amount, all that is left");
  }

  @Test
  void refundsKeepStateAndNeverReturnMoreThanWasPaid() throws Exception {
    Session created = stripe.v1().checkout().sessions().create(params(Settings.SANDBOX_PRICE_ID, 3));
    genpay.payOnCheckoutPage(created.getId(), "payer@example.com");
    Session paid = stripe.v1().checkout().sessions().retrieve(created.getId());
    assertEquals("payer@example.com", paid.getCustomerDetails().getEmail(), "the e-mail typed on the pay page");
    long price = paid.getAmountTotal() / 3;
    RequestOptions first = RequestOptions.builder().setIdempotencyKey("refund-file-a").build();
    RefundCreateParams oneVideo = RefundCreateParams.builder().setPaymentIntent(paid.getPaymentIntent())
        .setAmount(price).putMetadata("file_id", "file-a").build();
    Refund refund = stripe.v1().refunds().create(oneVideo, first);
    assertEquals(price, refund.getAmount());
    assertEquals("file-a", refund.getMetadata().get("file_id"));
    assertEquals(refund.getId(), stripe.v1().refunds().create(oneVideo, first).getId(),
        "the same Idempotency-Key answers the same refund");

    InvalidRequestException tooMuch = assertThrows(InvalidRequestException.class, () -> stripe.v1().refunds()
        .create(RefundCreateParams.builder().setPaymentIntent(paid.getPaymentIntent()).setAmount(2 * price + 1)
            .build()));
    assertEquals("amount_too_large", tooMuch.getCode());
    stripe.v1().refunds().create(RefundCreateParams.builder().setPaymentIntent(paid.getPaymentIntent())
        .setAmount(2 * price).build());
    assertEquals("amount_too_large", assertThrows(InvalidRequestException.class, () -> stripe.v1().refunds()
        .create(RefundCreateParams.builder().setPaymentIntent(paid.getPaymentIntent()).setAmount(1L).build()))
        .getCode(), "nothing is left once all was refunded");
    assertEquals(404, assertThrows(InvalidRequestException.class, () -> stripe.v1().refunds()
        .create(RefundCreateParams.builder().setPaymentIntent("pi_test_never").setAmount(1L).build()))
        .getStatusCode());
  }

  @Test
  void decliningRedirectsToTheCancelUrlUnpaid() throws Exception {
    Session created = stripe.v1().checkout().sessions().create(params(Settings.SANDBOX_PRICE_ID, 1));
    HttpResponse<Buffer> declined = genpay.clickOnCheckoutPage(created.getId(), "declined");
    assertEquals(303, declined.statusCode());
    assertEquals("http://localhost/en/tool/x?canceled=1", declined.getHeader("Location"));
    assertEquals("unpaid", stripe.v1().checkout().sessions().retrieve(created.getId()).getPaymentStatus());
  }
}
