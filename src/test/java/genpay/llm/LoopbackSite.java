package genpay.llm;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static genpay.TestEngine.await;

/**
 * A small site on 127.0.0.1 for the worker's tests: a home page and {@code pages} pages with a title each. Pages
 * after {@code gateAfter} are held until {@link #open()}, so a test can stop a worker in the middle of a request.
 */
final class LoopbackSite implements AutoCloseable {

  static final String TITLE = "Loopback Test Site";

  private final HttpServer server;
  private final int pages;
  private final Map<String, AtomicInteger> served = new ConcurrentHashMap<>();
  private final Promise<Void> gate = Promise.promise();
  private final int gateAfter;
  private final AtomicInteger held = new AtomicInteger();
  private final List<Runnable> heldWatchers = new java.util.concurrent.CopyOnWriteArrayList<>();

  private LoopbackSite(Vertx vertx, int pages, int gateAfter) {
    this.pages = pages;
    this.gateAfter = gateAfter;
    this.server = vertx.createHttpServer().requestHandler(this::serve);
    await(server.listen(0, "127.0.0.1"));
  }

  static LoopbackSite start(Vertx vertx, int pages) {
    return new LoopbackSite(vertx, pages, Integer.MAX_VALUE);
  }

  /** Pages after {@code gateAfter} wait for {@link #open()}. */
  static LoopbackSite gated(Vertx vertx, int pages, int gateAfter) {
    return new LoopbackSite(vertx, pages, gateAfter);
  }

  String hostname() {
    return "localhost:" + server.actualPort();
  }

  String url(int page) {
    return "http://127.0.0.1:" + server.actualPort() + "/page/" + page;
  }

  List<String> urls() {
    List<String> urls = new ArrayList<>();
    for (int i = 1; i <= pages; i++) {
      urls.add(url(i));
    }
    return urls;
  }

  int served(String path) {
    AtomicInteger count = served.get(path);
    return count == null ? 0 : count.get();
  }

  /** Completes once {@code count} requests wait at the gate. */
  Future<Void> held(int count) {
    Promise<Void> reached = Promise.promise();
    Runnable check = () -> {
      if (held.get() >= count) {
        reached.tryComplete();
      }
    };
    heldWatchers.add(check);
    check.run();
    return reached.future();
  }

  void open() {
    gate.tryComplete();
  }

  private void serve(HttpServerRequest request) {
    String path = request.path();
    served.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
    if (path.equals("/")) {
      html(request, TITLE, "Welcome to the loopback site.");
      return;
    }
    if (path.startsWith("/page/")) {
      int page;
      try {
        page = Integer.parseInt(path.substring("/page/".length()));
      } catch (NumberFormatException e) {
        page = -1;
      }
      if (page < 1 || page > pages) {
        request.response().setStatusCode(404).end("not found");
        return;
      }
      int n = page;
      if (n > gateAfter && !gate.future().isComplete()) {
        held.incrementAndGet();
        heldWatchers.forEach(Runnable::run);
        gate.future().onComplete(open -> html(request, "Page " + n, "This is page number " + n + " of the site."));
        return;
      }
      html(request, "Page " + n, "This is page number " + n + " of the site.");
      return;
    }
    request.response().setStatusCode(404).end("not found");
  }

  private static void html(HttpServerRequest request, String title, String text) {
    if (request.response().closed()) {
      return;
    }
    request.response().putHeader("Content-Type", "text/html; charset=utf-8")
        .end("<!doctype html><html><head><title>" + title + "</title><style>p{color:red}</style></head>"
            + "<body><h1>" + title + "</h1><p>" + text + "</p><script>var hidden = 1;</script></body></html>");
  }

  @Override
  public void close() {
    open();
    await(server.close());
  }
}
