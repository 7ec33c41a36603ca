package genpay.requests;

import genpay.TestEngine;
import genpay.config.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;

import java.util.concurrent.atomic.AtomicInteger;

import static genpay.TestEngine.await;

/**
 * A few pages on loopback and a stand-in for the site calculation that lists them (the count and the URL list
 * the worker reads, as genpay.sites keeps them), with gemini at 0.50 EUR and ollama free.
 */
final class SiteStandIn implements AutoCloseable {

  final int port;
  final AtomicInteger fetched = new AtomicInteger();
  private final HttpServer server;

  private SiteStandIn(int port, HttpServer server) {
    this.port = port;
    this.server = server;
  }

  static SiteStandIn start(TestEngine genpay, int pages) {
    Vertx vertx = genpay.engine.vertx();
    int port = TestEngine.freePort();
    SiteStandIn[] self = new SiteStandIn[1];
    HttpServer server = vertx.createHttpServer().requestHandler(request -> {
      self[0].fetched.incrementAndGet();
      request.response().putHeader("Content-Type", "text/html; charset=utf-8")
          .end("<html><head><title>Page " + request.path() + "</title></head><body><p>About "
              + request.path() + ".</p></body></html>");
    });
    self[0] = new SiteStandIn(port, server);
    await(server.listen(port, "127.0.0.1"));
    await(vertx.eventBus().<JsonObject>localConsumer(Addresses.SITES_CALCULATE, message -> {
      String hostname = message.body().getString("hostname");
      Request urls = Request.cmd(Command.RPUSH).arg("calculation:" + hostname + ":urls");
      for (int i = 1; i <= pages; i++) {
        urls.arg("http://127.0.0.1:" + port + "/page-" + i);
      }
      genpay.redis.send(Request.cmd(Command.DEL).arg("calculation:" + hostname + ":urls"))
          .compose(deleted -> genpay.redis.send(urls))
          .onSuccess(stored -> message.reply(new JsonObject().put("hostname", hostname).put("urlCount", pages)
              .put("prices", new JsonObject()
                  .put("gemini", new JsonObject().put("total", 0.5).put("perUrl", 0.00097).put("currency", "eur")
                      .put("paid", true))
                  .put("ollama", new JsonObject().put("total", 0).put("perUrl", 0).put("currency", "eur")
                      .put("paid", false)))
              .put("calculatedAt", System.currentTimeMillis())))
          .onFailure(failure -> message.fail(503, failure.getMessage()));
    }).completion());
    return self[0];
  }

  @Override
  public void close() {
    await(server.close());
  }
}
