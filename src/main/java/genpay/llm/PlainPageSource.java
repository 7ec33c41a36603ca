package genpay.llm;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Reads pages with the limits of section 16 (10 s, 1 MiB, text only) but WITHOUT the SSRF guard: a stand-in
 * until genpay.sites.GuardedFetcher is plugged in, never to be deployed facing untrusted hostnames.
 */
public final class PlainPageSource implements PageSource {

  public static final long TIMEOUT_MS = 10_000;
  public static final int MAX_BYTES = 1024 * 1024;

  private final HttpClient client;

  public PlainPageSource(Vertx vertx) {
    this.client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(5_000).setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(32));
  }

  @Override
  public Future<Page> fetch(String url) {
    return client.request(new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url)
            .setTimeout(TIMEOUT_MS).putHeader("Accept", "text/html,text/plain;q=0.9,*/*;q=0.1"))
        .compose(request -> request.send())
        .compose(response -> {
          String type = response.getHeader("Content-Type");
          if (type != null && !isText(type)) {
            response.request().reset();
            return Future.failedFuture(new IllegalStateException("not text (" + type + ")"));
          }
          Promise<Page> read = Promise.promise();
          Buffer body = Buffer.buffer();
          response.handler(chunk -> {
            if (body.length() + chunk.length() > MAX_BYTES) {
              read.tryFail(new IllegalStateException("larger than " + MAX_BYTES + " bytes"));
              response.request().reset();
              return;
            }
            body.appendBuffer(chunk);
          });
          response.exceptionHandler(read::tryFail);
          response.endHandler(end -> read.tryComplete(new Page(url, response.statusCode(), type,
              body.toString(StandardCharsets.UTF_8))));
          return read.future();
        });
  }

  static boolean isText(String contentType) {
    String type = contentType.toLowerCase(Locale.ROOT).split(";")[0].trim();
    return type.startsWith("text/") || type.equals("application/xhtml+xml") || type.endsWith("+xml")
        || type.equals("application/xml");
  }

  @Override
  public void close() {
    client.close();
  }
}
