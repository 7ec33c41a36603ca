package genpay;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;

import java.util.ArrayDeque;
import java.util.Queue;

/**
 * A loopback TCP proxy in front of a server that can hold the server's answers back for a while: what a
 * client sees when a reply comes late though the server did the work at once. Commands pass unheld.
 */
public final class LaggingProxy implements AutoCloseable {

  private final Vertx vertx;
  private final NetServer server;
  private final NetClient client;
  private volatile long holdUntil;

  private LaggingProxy(Vertx vertx, int targetPort) {
    this.vertx = vertx;
    this.client = vertx.createNetClient();
    this.server = vertx.createNetServer().connectHandler(inbound -> {
      inbound.pause();
      client.connect(targetPort, "127.0.0.1").onSuccess(outbound -> {
        Queue<Buffer> held = new ArrayDeque<>();
        outbound.handler(answer -> relay(answer, held, inbound));
        inbound.handler(outbound::write);
        inbound.closeHandler(v -> outbound.close());
        outbound.closeHandler(v -> inbound.close());
        inbound.resume();
      }).onFailure(failure -> inbound.close());
    });
  }

  public static LaggingProxy start(Vertx vertx, int targetPort) {
    LaggingProxy proxy = new LaggingProxy(vertx, targetPort);
    TestEngine.await(proxy.server.listen(0, "127.0.0.1"));
    return proxy;
  }

  public int port() {
    return server.actualPort();
  }

  /** Answers the server sends from now on reach their clients only after {@code millis}, in order. */
  public void holdAnswers(long millis) {
    holdUntil = System.currentTimeMillis() + millis;
  }

  private void relay(Buffer answer, Queue<Buffer> held, NetSocket inbound) {
    long wait = holdUntil - System.currentTimeMillis();
    if (wait <= 0 && held.isEmpty()) {
      inbound.write(answer);
      return;
    }
    held.add(answer);
    if (held.size() == 1) {
      vertx.setTimer(Math.max(1, wait), id -> {
        Buffer next;
        while ((next = held.poll()) != null) {
          inbound.write(next);
        }
      });
    }
  }

  @Override
  public void close() {
    server.close();
    client.close();
  }
}
