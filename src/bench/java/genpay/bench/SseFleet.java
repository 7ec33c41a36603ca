package genpay.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Many server-sent event streams over plain TCP, from several loopback source addresses (127.0.0.1, .2, ...) so
 * the count is not capped by one address's ephemeral ports. Each {@code data:} line is handed to the listener
 * with the time it arrived; nothing else of the stream is kept, so the client stays small.
 */
final class SseFleet implements AutoCloseable {

  interface Listener {
    void data(int stream, String data, long arrivedNanos, long arrivedMillis);
  }

  private static final int CONNECTING_AT_ONCE = 200;

  private final Vertx vertx;
  private final List<NetClient> clients = new ArrayList<>();
  private final ConcurrentLinkedQueue<NetSocket> sockets = new ConcurrentLinkedQueue<>();
  private final AtomicInteger closedEarly = new AtomicInteger();

  SseFleet(Vertx vertx, int sourceAddresses) {
    this(vertx, java.util.stream.IntStream.range(0, sourceAddresses).mapToObj(i -> "127.0.0." + (i + 1)).toList());
  }

  /** Streams from the given loopback source addresses, in turn. */
  SseFleet(Vertx vertx, List<String> sourceAddresses) {
    this.vertx = vertx;
    for (String address : sourceAddresses) {
      clients.add(vertx.createNetClient(new NetClientOptions().setLocalAddress(address)
          .setConnectTimeout(30_000).setTcpNoDelay(true)));
    }
  }

  /**
   * Opens one stream per path, at most {@value #CONNECTING_AT_ONCE} connecting at a time; blocks the calling
   * (main) thread until each stream has answered 200 or the time is up.
   */
  void open(int port, List<String> paths, Listener listener, long timeoutSeconds) throws Exception {
    AtomicInteger next = new AtomicInteger();
    AtomicInteger failures = new AtomicInteger();
    AtomicInteger running = new AtomicInteger(CONNECTING_AT_ONCE);
    CompletableFuture<Void> done = new CompletableFuture<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    for (int i = 0; i < CONNECTING_AT_ONCE; i++) {
      vertx.runOnContext(v -> openNext(port, paths, listener, next, failures, running, deadline, done));
    }
    done.get(timeoutSeconds + 10, TimeUnit.SECONDS);
    if (failures.get() > 0 || next.get() < paths.size()) {
      throw new IllegalStateException(failures.get() + " of " + paths.size() + " streams did not open");
    }
  }

  int closedEarly() {
    return closedEarly.get();
  }

  private void openNext(int port, List<String> paths, Listener listener, AtomicInteger next, AtomicInteger failures,
                        AtomicInteger running, long deadline, CompletableFuture<Void> done) {
    int index = next.getAndIncrement();
    if (index >= paths.size() || System.nanoTime() > deadline) {
      if (running.decrementAndGet() == 0) {
        done.complete(null);
      }
      return;
    }
    connect(clients.get(index % clients.size()), port, index, paths.get(index), listener)
        .onFailure(failure -> failures.incrementAndGet())
        .onComplete(ignored -> openNext(port, paths, listener, next, failures, running, deadline, done));
  }

  private Future<Void> connect(NetClient client, int port, int index, String path, Listener listener) {
    return client.connect(port, "127.0.0.1").compose(socket -> {
      Promise<Void> answered = Promise.promise();
      sockets.add(socket);
      Reader reader = new Reader(index, listener, answered);
      socket.handler(reader);
      socket.closeHandler(closed -> {
        if (!answered.tryFail("closed before answering")) {
          closedEarly.incrementAndGet();
        }
      });
      socket.write("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n");
      return answered.future();
    });
  }

  @Override
  public void close() {
    sockets.forEach(NetSocket::close);
    sockets.clear();
    clients.forEach(NetClient::close);
  }

  /** Splits the bytes into lines; chunk-size lines of chunked encoding are skipped like any other non-data line. */
  private static final class Reader implements io.vertx.core.Handler<Buffer> {
    private final int index;
    private final Listener listener;
    private final Promise<Void> answered;
    private final StringBuilder line = new StringBuilder();
    private boolean headersRead;

    Reader(int index, Listener listener, Promise<Void> answered) {
      this.index = index;
      this.listener = listener;
      this.answered = answered;
    }

    @Override
    public void handle(Buffer buffer) {
      long nanos = System.nanoTime();
      long millis = System.currentTimeMillis();
      String text = buffer.toString(StandardCharsets.UTF_8);
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (c == '\n') {
          lineRead(line.toString(), nanos, millis);
          line.setLength(0);
        } else if (c != '\r') {
          line.append(c);
        }
      }
    }

    private void lineRead(String text, long nanos, long millis) {
      if (!headersRead) {
        if (text.startsWith("HTTP/1.1 ") && !text.startsWith("HTTP/1.1 200")) {
          answered.tryFail(text);
        } else if (text.isEmpty()) {
          headersRead = true;
          answered.tryComplete();
        }
      } else if (text.startsWith("data:")) {
        listener.data(index, text.substring(5).trim(), nanos, millis);
      }
    }
  }
}
