package genpay.stripe;

import genpay.TestEngine;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Stands in for the app at APP_URL: receives the Stripe sandbox's webhooks on loopback, checks their
 * signature, answers 200, and lets a test wait for the events it expects.
 */
final class SandboxEventInbox implements AutoCloseable {

  static final String SECRET = "whsec_billing_inbox";

  final int port;
  private final HttpServer server;
  private final List<JsonObject> events = new CopyOnWriteArrayList<>();
  private final List<Runnable> watchers = new CopyOnWriteArrayList<>();

  private SandboxEventInbox(int port, HttpServer server) {
    this.port = port;
    this.server = server;
  }

  static SandboxEventInbox listen(Vertx vertx, int port) {
    SandboxEventInbox[] self = new SandboxEventInbox[1];
    HttpServer server = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      try {
        WebhookEvent.verify(body.toString(), request.getHeader("Stripe-Signature"), List.of(SECRET));
      } catch (WebhookEvent.Rejected e) {
        request.response().setStatusCode(400).end();
        return;
      }
      self[0].events.add(new JsonObject(body.toString()));
      request.response().end("{\"received\":true}");
      self[0].watchers.forEach(Runnable::run);
    }));
    self[0] = new SandboxEventInbox(port, server);
    TestEngine.await(server.listen(port, "127.0.0.1"));
    return self[0];
  }

  /** The events whose object belongs to this customer (or is this object), in the order they arrived. */
  List<JsonObject> of(String customerOrId) {
    List<JsonObject> mine = new ArrayList<>();
    for (JsonObject event : events) {
      JsonObject object = event.getJsonObject("data").getJsonObject("object");
      if (customerOrId.equals(object.getString("customer")) || customerOrId.equals(object.getString("id"))) {
        mine.add(event);
      }
    }
    return mine;
  }

  static List<String> types(List<JsonObject> events) {
    return events.stream().map(event -> event.getString("type")).toList();
  }

  /** Completes with {@link #of} once {@code enough} accepts it; fails after 30 s. */
  List<JsonObject> await(String customerOrId, Predicate<List<JsonObject>> enough) {
    Promise<List<JsonObject>> done = Promise.promise();
    Runnable check = () -> {
      List<JsonObject> mine = of(customerOrId);
      if (enough.test(mine)) {
        done.tryComplete(mine);
      }
    };
    watchers.add(check);
    check.run();
    try {
      return TestEngine.await(done.future().timeout(30, TimeUnit.SECONDS));
    } finally {
      watchers.remove(check);
    }
  }

  /** Waits until {@code count} events of this customer arrived. */
  List<JsonObject> await(String customerOrId, int count) {
    return await(customerOrId, mine -> mine.size() >= count);
  }

  /** Waits for one more event of this type, after {@code seen} of them. */
  List<JsonObject> awaitType(String customerOrId, String type, int seen) {
    return await(customerOrId, mine -> types(mine).stream().filter(type::equals).count() > seen);
  }

  static JsonObject object(JsonObject event) {
    return event.getJsonObject("data").getJsonObject("object");
  }

  @Override
  public void close() {
    TestEngine.await(server.close());
  }

  Future<Void> closed() {
    return server.close();
  }
}
