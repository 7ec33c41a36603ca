package genpay.mail;

import genpay.TestEngine;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;

/**
 * A loopback TCP proxy in front of a mail server whose greeting reaches each new connection only after a delay:
 * a slow mail server, so that a send takes seconds and two nodes would overlap if nothing kept them apart.
 */
final class SlowGreetingProxy implements AutoCloseable {

  private final NetServer server;
  private final NetClient client;

  private SlowGreetingProxy(Vertx vertx, int targetPort, long greetingDelayMs) {
    this.client = vertx.createNetClient();
    this.server = vertx.createNetServer().connectHandler(inbound -> {
      inbound.pause();
      client.connect(targetPort, "127.0.0.1").onSuccess(outbound -> {
        outbound.pause();
        outbound.handler(inbound::write);
        inbound.handler(outbound::write);
        inbound.closeHandler(v -> outbound.close());
        outbound.closeHandler(v -> inbound.close());
        inbound.resume();
        vertx.setTimer(greetingDelayMs, id -> outbound.resume());
      }).onFailure(failure -> inbound.close());
    });
  }

  static SlowGreetingProxy start(Vertx vertx, int targetPort, long greetingDelayMs) {
    SlowGreetingProxy proxy = new SlowGreetingProxy(vertx, targetPort, greetingDelayMs);
    TestEngine.await(proxy.server.listen(0, "127.0.0.1"));
    return proxy;
  }

  int port() {
    return server.actualPort();
  }

  @Override
  public void close() {
    server.close();
    client.close();
  }
}
