package genpay.requests;

import genpay.TestKeys;
import genpay.TestEngine;
import genpay.config.Addresses;
import genpay.config.Settings;
import genpay.stripe.StripeSignature;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;

import java.util.function.Predicate;

import static genpay.TestEngine.await;

/** What the generation request tests share: the API calls, the sandbox's sessions, Redis counts. */
final class RequestTestSupport {

  private static final String SANDBOX_API = "/sandbox/stripe/v1/checkout/sessions/";

  private RequestTestSupport() {
  }

  static HttpResponse<Buffer> submit(TestEngine genpay, String hostname, String provider) {
    return await(submitAsync(genpay, hostname, provider));
  }

  static Future<HttpResponse<Buffer>> submitAsync(TestEngine genpay, String hostname, String provider) {
    return genpay.http.post("/api/generation-requests")
        .sendJsonObject(new JsonObject().put("hostname", hostname).put("provider", provider));
  }

  /** The Checkout Session as the sandbox has it, in Stripe's JSON. */
  static JsonObject session(TestEngine genpay, String sessionId) {
    return await(genpay.http.get(SANDBOX_API + sessionId).bearerTokenAuthentication(Settings.SANDBOX_SECRET_KEY)
        .send()).bodyAsJsonObject();
  }

  static JsonObject expire(TestEngine genpay, String sessionId) {
    HttpResponse<Buffer> expired = await(genpay.http.post(SANDBOX_API + sessionId + "/expire")
        .bearerTokenAuthentication(Settings.SANDBOX_SECRET_KEY).send());
    if (expired.statusCode() != 200) {
      throw new IllegalStateException("expire answered " + expired.statusCode() + ": " + expired.bodyAsString());
    }
    return expired.bodyAsJsonObject();
  }

  /** The session id at the end of a sandbox payment link. */
  static String sessionOf(String paymentLink) {
    return paymentLink.substring(paymentLink.lastIndexOf('/') + 1);
  }

  /** A checkout.session event carrying the session as Stripe has it, signed as Stripe signs. */
  static Future<HttpResponse<Buffer>> webhook(TestEngine genpay, String type, JsonObject session) {
    String payload = new JsonObject().put("id", "evt_test_" + System.nanoTime()).put("object", "event")
        .put("api_version", "2026-07-29.dahlia").put("created", System.currentTimeMillis() / 1000)
        .put("livemode", false).put("type", type).put("data", new JsonObject().put("object", session)).encode();
    String signature = StripeSignature.header(payload, genpay.settings().stripeWebhookSecrets().get(0),
        System.currentTimeMillis() / 1000);
    return genpay.http.post("/api/webhooks/stripe").putHeader("Content-Type", "application/json")
        .putHeader("Stripe-Signature", signature).sendBuffer(Buffer.buffer(payload));
  }

  /** XADD calls Redis has served, scripts' included: each one is a job queued. */
  static long xadds(TestEngine genpay) {
    String stats = await(genpay.redis.send(Request.cmd(Command.INFO).arg("commandstats"))).toString();
    for (String line : stats.split("\r?\n")) {
      if (line.startsWith("cmdstat_xadd:")) {
        for (String part : line.substring(13).split(",")) {
          if (part.startsWith("calls=")) {
            return Long.parseLong(part.substring(6));
          }
        }
      }
    }
    return 0;
  }

  /** Entries ever added to the request jobs streams (every shard's) that are still there. */
  static long queued(TestEngine genpay) {
    return TestKeys.total(genpay.redis, Command.XLEN, TestKeys.allRequestJobs());
  }

  /** Refunds the sandbox made against a payment intent. */
  static long sandboxRefunds(TestEngine genpay, String paymentIntent) {
    return await(genpay.redis.send(Request.cmd(Command.LLEN).arg(TestKeys.stripeSandbox("refunds", paymentIntent)))).toLong();
  }

  static String field(TestEngine genpay, String id, String name) {
    var value = await(genpay.redis.send(Request.cmd(Command.HGET).arg(RequestKeys.request(TestKeys.tag(id), id)).arg(name)));
    return value == null ? null : value.toString();
  }

  /** The first requests.changed of this request that {@code test} accepts. Call it before the cause. */
  static Future<JsonObject> changed(TestEngine genpay, String id, Predicate<JsonObject> test) {
    Promise<JsonObject> seen = Promise.promise();
    MessageConsumer<JsonObject> consumer = genpay.engine.vertx().eventBus().consumer(Addresses.REQUESTS_CHANGED);
    consumer.handler(message -> {
      if (id.equals(message.body().getString("id")) && test.test(message.body())) {
        consumer.unregister();
        seen.tryComplete(message.body());
      }
    });
    await(consumer.completion());
    return seen.future();
  }
}
