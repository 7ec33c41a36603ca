package genpay.stripe;

import com.stripe.StripeClient;
import genpay.TestEngine;
import genpay.config.Addresses;
import genpay.config.Settings;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static genpay.TestEngine.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The whole payment as a person makes it: create, the sandbox's page, its signed webhook, the order moving. */
class SandboxCheckoutFlowTest {

  private static TestEngine genpay;

  @BeforeAll
  static void start() throws Exception {
    genpay = TestEngine.start();
  }

  @AfterAll
  static void stop() {
    genpay.close();
  }

  private static String order(int videos) {
    return genpay.order(videos, "northern lights over a lake");
  }

  private static Future<JsonObject> reaches(String sessionId, String status) {
    return genpay.reaches(sessionId, status).timeout(20, java.util.concurrent.TimeUnit.SECONDS);
  }

  private static HttpResponse<Buffer> click(String sessionId, String outcome) {
    return genpay.clickOnCheckoutPage(sessionId, outcome);
  }

  @Test
  void payingDeliversASignedWebhookAndTheOrderIsProcessing() {
    String sessionId = order(3);
    Future<JsonObject> processing = reaches(sessionId, "processing");
    HttpResponse<Buffer> paid = click(sessionId, "paid");
    assertEquals(303, paid.statusCode());
    assertTrue(paid.getHeader("Location").endsWith("/en/payment-success/" + sessionId));
    JsonObject session = await(processing);
    assertEquals(3, session.getJsonArray("files").size());
    assertNotNull(session.getString("fileId"));
    assertEquals(3, StripeWebhookTestSupport.jobs(genpay, sessionId));
  }

  @Test
  void decliningEndsTheOrderWithAMessage() {
    String sessionId = order(1);
    Future<JsonObject> failed = reaches(sessionId, "error");
    assertEquals(303, click(sessionId, "declined").statusCode());
    JsonObject session = await(failed);
    assertTrue(session.getString("error").toLowerCase().contains("payment"), session.getString("error"));
    assertEquals(0, StripeWebhookTestSupport.jobs(genpay, sessionId));
  }

  @Test
  void expiringAtStripeExpiresTheOrder() throws Exception {
    String sessionId = order(2);
    Future<JsonObject> expired = reaches(sessionId, "expired");
    StripeClient stripe = StripeClient.builder().setApiKey(Settings.SANDBOX_SECRET_KEY)
        .setApiBase("http://127.0.0.1:" + genpay.port + StripeSandbox.API_PREFIX).build();
    assertEquals("expired", stripe.v1().checkout().sessions().expire(sessionId).getStatus());
    assertEquals("expired", await(expired).getString("status"));
  }
}
