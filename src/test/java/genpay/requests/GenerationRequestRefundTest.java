package genpay.requests;

import genpay.TestKeys;
import genpay.TestEngine;
import genpay.config.Addresses;
import genpay.push.SseClient;
import genpay.sites.TestSite;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static genpay.TestEngine.await;
import static genpay.requests.RequestTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A paid request whose provider fails every call ends failed and is refunded whole, once, through the Stripe
 * sandbox; its stream shows it live and ends only once the refund is settled. The gemini sandbox fails every call;
 * the site is a {@link TestSite} of 3 pages on loopback (ALLOW_PRIVATE_SITES=true), counted by the real calculation.
 */
class GenerationRequestRefundTest {

  private static TestEngine genpay;
  private static TestSite site;
  private static HttpClient client;

  @BeforeAll
  static void start() throws Exception {
    genpay = TestEngine.start(Map.of("SANDBOX_LLM_FAULTS", "gemini_fail=1.0", "ALLOW_PRIVATE_SITES", "true"));
    site = TestSite.start(genpay.engine.vertx(), 3);
    client = genpay.engine.vertx().createHttpClient();
  }

  @AfterAll
  static void stop() {
    site.close();
    client.close();
    genpay.close();
  }

  /** The server ended the stream after its terminal event (end() refuses a response that already ended). */
  static void assertEnded(SseClient stream) {
    Future<Void> end;
    try {
      end = stream.response.end();
    } catch (IllegalStateException alreadyEnded) {
      return;
    }
    await(end, 10);
  }

  @Test
  void aPaidRequestWhoseProviderKeepsFailingIsRefundedWholeOnce() {
    JsonObject request = submit(genpay, site.hostname(), "gemini").bodyAsJsonObject();
    assertTrue(request.getBoolean("requiresPayment"), request.encode());
    String id = request.getString("id");
    SseClient stream = await(SseClient.open(client, genpay.port, "/api/events/generation-request/" + id, null,
        Map.of()));
    assertEquals(200, stream.response.statusCode());
    Future<SseClient.Event> failed = stream.when(event -> "failed".equals(event.data().getString("status")));
    Future<SseClient.Event> refunded = stream.when(event -> "succeeded".equals(event.data().getValue("refund")));

    // Paid on the sandbox's page: its webhook queues the request, the worker runs it.
    genpay.clickOnCheckoutPage(sessionOf(request.getString("paymentLink")), "paid");
    JsonObject failure = await(failed, 60).data();
    assertTrue(failure.getString("error").contains("gemini"), failure.encode());
    JsonObject settled = await(refunded, 60).data();
    assertTrue(settled.getString("refundId").startsWith("re_"), settled.encode());
    assertEnded(stream);
    assertTrue(stream.events.stream().anyMatch(event -> "processing".equals(event.data().getString("status"))));

    String paymentIntent = field(genpay, id, "paymentIntent");
    assertEquals(1, sandboxRefunds(genpay, paymentIntent), "one refund");
    assertEquals(50, await(genpay.redis.send(Request.cmd(Command.HGET).arg(TestKeys.stripeSandbox("pi", paymentIntent))
        .arg("refunded"))).toLong(), "refunded whole");

    // The sweep looks again: nothing more to refund, and the request leaves its watch.
    await(genpay.engine.vertx().eventBus().request(Addresses.REQUESTS_REFUNDS_SWEEP, new JsonObject()));
    assertEquals(1, sandboxRefunds(genpay, paymentIntent));
    assertEquals(0, TestKeys.total(genpay.redis, Command.ZCARD,
        TestKeys.SHARDS.tags().stream().map(RequestKeys::paid).toList()));

    // The stream of a request that ended: 204 for a reader that has its last version.
    SseClient again = await(SseClient.open(client, genpay.port, "/api/events/generation-request/" + id,
        String.valueOf(settled.getLong("version")), Map.of()));
    assertEquals(204, again.response.statusCode());
  }
}
