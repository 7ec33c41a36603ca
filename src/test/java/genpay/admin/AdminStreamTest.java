package genpay.admin;

import genpay.TestEngine;
import genpay.config.Addresses;
import genpay.credits.SignIns;
import genpay.sessions.StatusEvents;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static genpay.TestEngine.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GET /api/admin/events: every change, encoded once per node, and a reader that stops reading holds no backlog. */
class AdminStreamTest {

  private static final String ADMIN = "stream.admin@example.test";
  private static TestEngine genpay;
  private static String cookie;

  @BeforeAll
  static void start() throws Exception {
    genpay = TestEngine.start(Map.of("ADMIN_EMAILS", ADMIN));
    cookie = SignIns.signIn(genpay, ADMIN);
  }

  @AfterAll
  static void stop() {
    genpay.close();
  }

  /** A raw HTTP/1.1 connection to the admin stream, so the test decides when it reads. */
  private static NetSocket open(StringBuilder received, Promise<Void> ready) {
    NetSocket socket = await(genpay.engine.vertx().createNetClient().connect(genpay.port, "127.0.0.1"));
    socket.handler(bytes -> {
      received.append(bytes.toString());
      if (received.indexOf("event: ready") >= 0) {
        ready.tryComplete();
      }
    });
    socket.write(Buffer.buffer("GET /api/admin/events HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: gp_session=" + cookie
        + "\r\nAccept: text/event-stream\r\n\r\n"));
    return socket;
  }

  private static JsonObject change(int n, int padding) {
    JsonObject session = new JsonObject().put("sessionId", "cs_test_stream" + n).put("status", "processing")
        .put("files", new JsonArray()).put("videoCount", 1).put("version", 2)
        .put("toolTitle", "x".repeat(padding));
    return StatusEvents.sessionChanged(session, System.currentTimeMillis());
  }

  private static double encoded() {
    return genpay.engine.registry().get("genpay.admin.encoded").counter().count();
  }

  @Test
  void threeAdminsGetEachChangeEncodedOnce() {
    StringBuilder[] received = {new StringBuilder(), new StringBuilder(), new StringBuilder()};
    NetSocket[] sockets = new NetSocket[3];
    for (int i = 0; i < 3; i++) {
      Promise<Void> ready = Promise.promise();
      sockets[i] = open(received[i], ready);
      await(ready.future().timeout(10, TimeUnit.SECONDS));
    }
    double before = encoded();
    genpay.engine.vertx().eventBus().publish(Addresses.STATUS_CHANGED, change(1, 10));
    for (StringBuilder stream : received) {
      long deadline = System.currentTimeMillis() + 10_000;
      while (stream.indexOf("cs_test_stream1") < 0 && System.currentTimeMillis() < deadline) {
        Thread.onSpinWait();
      }
      assertTrue(stream.toString().contains("event: order\ndata: {\"sessionId\":\"cs_test_stream1\""), stream.toString());
    }
    assertEquals(1.0, encoded() - before, "one encoding for three admins");
    for (NetSocket socket : sockets) {
      await(socket.close());
    }
  }

  @Test
  void aReaderThatStopsReadingIsToldToReloadInsteadOfBeingBuffered() throws Exception {
    StringBuilder received = new StringBuilder();
    Promise<Void> ready = Promise.promise();
    NetSocket socket = open(received, ready);
    await(ready.future().timeout(10, TimeUnit.SECONDS));
    socket.pause();
    int changes = 20_000;
    // About 20 MB for a reader that reads nothing: far beyond the socket buffers and the write queue.
    for (int n = 0; n < changes; n++) {
      genpay.engine.vertx().eventBus().publish(Addresses.STATUS_CHANGED, change(n, 1_000));
    }
    Promise<Void> published = Promise.promise();
    genpay.engine.vertx().setTimer(1_000, id -> published.complete());
    await(published.future());
    socket.resume();
    long deadline = System.currentTimeMillis() + 20_000;
    while (received.indexOf("event: resync") < 0 && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
    String text = received.toString();
    assertTrue(text.contains("event: resync"), "told to reload its list after changes were dropped");
    int delivered = text.split("event: order\n", -1).length - 1;
    assertTrue(delivered < changes - AdminStream.MAX_WAITING, "dropped, not buffered: " + delivered + " delivered");
    await(socket.close());
  }
}
