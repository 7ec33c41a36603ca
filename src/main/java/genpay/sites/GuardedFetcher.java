package genpay.sites;

import genpay.config.IpLiteral;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * HTTP GETs to sites that users name, guarded against server-side request forgery. Each host is resolved once,
 * every address it resolves to must be admitted by the policy, and the connection goes to one of those checked
 * addresses (never to a second lookup that could answer otherwise); Host and SNI stay the name. Redirects are
 * followed by hand, at most {@value #MAX_REDIRECTS}, each target checked the same way before anything is sent to
 * it. The body limit counts bytes as they arrive, and the timeout covers the whole fetch.
 */
public final class GuardedFetcher implements AutoCloseable {

  public static final int MAX_REDIRECTS = 5;
  private static final String USER_AGENT = "genpay-sites/1.0 (+llms.txt generator)";

  private final Vertx vertx;
  private final HttpClientAgent client;
  private final HostResolver resolver;
  private final AddressPolicy policy;

  public GuardedFetcher(Vertx vertx, boolean allowPrivate) {
    this(vertx, HostResolver.system(vertx), AddressPolicy.of(allowPrivate));
  }

  /** {@code resolver} and {@code policy} are the seams tests use to stay on loopback. */
  public GuardedFetcher(Vertx vertx, HostResolver resolver, AddressPolicy policy) {
    this.vertx = vertx;
    this.resolver = resolver;
    this.policy = policy;
    // Decompression off: a gzip body must count against the limit as sent, and sitemaps decode it themselves.
    this.client = vertx.createHttpClient(new HttpClientOptions()
        .setDecompressionSupported(false)
        .setConnectTimeout(5_000)
        .setVerifyHost(true)
        .setForceSni(true), new PoolOptions().setHttp1MaxSize(8));
  }

  /** The page at {@code url}, its body whole (at most {@code limits.maxBytes()}); fails with {@link FetchException}. */
  public Future<FetchedPage> get(String url, FetchLimits limits) {
    Buffer body = Buffer.buffer();
    return stream(url, limits, head -> chunk -> {
      body.appendBuffer(chunk);
      return true;
    }).map(head -> new FetchedPage(head.url(), head.status(), head.contentType(), body));
  }

  /**
   * The page at {@code url} with its body handed to a consumer as it arrives: {@code onResponse} gets the final
   * 2xx answer (body empty) and returns the consumer of its chunks, which answers false to stop reading (the
   * rest is not downloaded, and the fetch succeeds). A consumer that throws fails the fetch.
   */
  public Future<FetchedPage> stream(String url, FetchLimits limits,
      Function<FetchedPage, Predicate<Buffer>> onResponse) {
    Fetch fetch = new Fetch(limits, onResponse);
    fetch.hop(url, 0);
    return fetch.result.future();
  }

  @Override
  public void close() {
    client.close();
  }

  /** One fetch: its redirects, its deadline, the request under way (reset when the fetch ends early). */
  private final class Fetch {

    private final FetchLimits limits;
    private final Function<FetchedPage, Predicate<Buffer>> onResponse;
    private final Promise<FetchedPage> result = Promise.promise();
    private HttpClientRequest current;
    private long received;

    Fetch(FetchLimits limits, Function<FetchedPage, Predicate<Buffer>> onResponse) {
      this.limits = limits;
      this.onResponse = onResponse;
      long timer = vertx.setTimer(limits.timeout().toMillis(),
          fired -> fail(FetchException.failed("no complete answer within " + limits.timeout().toMillis() + " ms")));
      result.future().onComplete(done -> vertx.cancelTimer(timer));
    }

    void fail(Throwable failure) {
      if (result.tryFail(failure) && current != null) {
        current.reset();
      }
    }

    void hop(String url, int redirects) {
      URI uri;
      try {
        uri = target(url);
      } catch (FetchException e) {
        fail(e);
        return;
      }
      String host = uri.getHost();
      String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
      InetAddress literal = IpLiteral.parse(bare);
      Future<List<InetAddress>> addresses = literal != null ? Future.succeededFuture(List.of(literal))
          : resolver.resolve(bare);
      addresses.onComplete(resolved -> {
        if (result.future().isComplete()) {
          return;
        }
        if (resolved.failed() || resolved.result().isEmpty()) {
          fail(FetchException.failed(bare + " could not be resolved"));
          return;
        }
        for (InetAddress address : resolved.result()) {
          if (!policy.admits(bare, address)) {
            fail(FetchException.refused(bare + " resolves to a non-public address"));
            return;
          }
        }
        connect(uri, bare, resolved.result(), 0, redirects);
      });
    }

    void connect(URI uri, String host, List<InetAddress> addresses, int index, int redirects) {
      boolean https = uri.getScheme().equalsIgnoreCase("https");
      int port = uri.getPort() != -1 ? uri.getPort() : https ? 443 : 80;
      String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
      RequestOptions options = new RequestOptions()
          .setMethod(HttpMethod.GET)
          .setServer(SocketAddress.inetSocketAddress(port, addresses.get(index).getHostAddress()))
          .setHost(host)
          .setPort(port)
          .setSsl(https)
          .setURI(uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery())
          .putHeader(HttpHeaders.USER_AGENT, USER_AGENT)
          .putHeader(HttpHeaders.ACCEPT, limits.accept())
          .putHeader(HttpHeaders.ACCEPT_ENCODING, limits.archives() ? "gzip" : "identity");
      client.request(options).onComplete(connected -> {
        if (connected.failed()) {
          if (index + 1 < addresses.size()) {
            connect(uri, host, addresses, index + 1, redirects);
          } else {
            fail(FetchException.failed(host + " could not be reached"));
          }
          return;
        }
        HttpClientRequest request = connected.result();
        if (result.future().isComplete()) {
          request.reset();
          return;
        }
        current = request;
        request.send().onComplete(answered -> {
          if (answered.failed()) {
            fail(FetchException.failed(host + " did not answer"));
          } else {
            respond(uri, answered.result(), redirects);
          }
        });
      });
    }

    void respond(URI uri, HttpClientResponse response, int redirects) {
      int status = response.statusCode();
      if (result.future().isComplete()) {
        return;
      }
      if (status == 301 || status == 302 || status == 303 || status == 307 || status == 308) {
        String location = response.getHeader(HttpHeaders.LOCATION);
        current.reset();
        current = null;
        if (location == null) {
          fail(FetchException.unusable(uri + " redirected nowhere"));
        } else if (redirects >= MAX_REDIRECTS) {
          fail(FetchException.unusable(uri + ": more than " + MAX_REDIRECTS + " redirects"));
        } else {
          String next;
          try {
            next = uri.resolve(location.strip()).toString();
          } catch (IllegalArgumentException e) {
            fail(FetchException.unusable(uri + " redirected to a malformed URL"));
            return;
          }
          hop(next, redirects + 1);
        }
        return;
      }
      if (status < 200 || status > 299) {
        fail(FetchException.status(status, uri.toString()));
        return;
      }
      String contentType = response.getHeader(HttpHeaders.CONTENT_TYPE);
      if (!limits.admits(contentType)) {
        fail(FetchException.unusable(uri + " is " + contentType + ", not text"));
        return;
      }
      String length = response.getHeader(HttpHeaders.CONTENT_LENGTH);
      if (length != null && length.matches("[0-9]{1,18}") && Long.parseLong(length) > limits.maxBytes()) {
        fail(FetchException.unusable(uri + " is larger than " + limits.maxBytes() + " bytes"));
        return;
      }
      FetchedPage head = new FetchedPage(uri.toString(), status, contentType, Buffer.buffer());
      Predicate<Buffer> consumer;
      try {
        consumer = onResponse.apply(head);
      } catch (RuntimeException e) {
        fail(e);
        return;
      }
      HttpClientRequest request = current;
      response.exceptionHandler(e -> fail(FetchException.failed(uri + ": the answer broke off")));
      response.endHandler(end -> result.tryComplete(head));
      response.handler(chunk -> {
        if (result.future().isComplete()) {
          return;
        }
        received += chunk.length();
        if (received > limits.maxBytes()) {
          fail(FetchException.unusable(uri + " is larger than " + limits.maxBytes() + " bytes"));
          return;
        }
        boolean more;
        try {
          more = consumer.test(chunk);
        } catch (RuntimeException e) {
          fail(e);
          return;
        }
        if (!more && result.tryComplete(head)) {
          request.reset();
        }
      });
    }
  }

  /** An absolute http(s) URL without credentials; anything else is refused before a lookup. */
  static URI target(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw FetchException.refused("not a URL: " + url);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw FetchException.refused("only http and https URLs are fetched");
    }
    if (uri.getRawUserInfo() != null) {
      throw FetchException.refused("a URL with credentials is not fetched");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw FetchException.refused("not a URL with a host: " + url);
    }
    return uri;
  }
}
