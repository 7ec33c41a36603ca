package genpay.web;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * CORS for {@code /api/*}, only for the exact origins of CORS_ORIGINS; none listed, no CORS header at all. The
 * allowed origin is echoed, never {@code *}. No {@code Access-Control-Allow-Credentials}: the session cookie is
 * SameSite=Lax (a cross-site fetch never carries it) and a cookie request that changes something from another
 * origin is refused anyway (AuthHandler), so another site's page calls the API signed out or with an API key in
 * {@code Authorization}, which needs the header allowed, not credentials.
 */
public final class Cors implements Handler<RoutingContext> {

  static final String METHODS = "GET, HEAD, POST, DELETE";
  static final String HEADERS = "Authorization, Content-Type, Idempotency-Key, Last-Event-ID";
  /** What a page may read beyond the safelisted headers: a 429's wait, a CSV's file name, a 401's scheme. */
  static final String EXPOSED = "Retry-After, Location, Content-Disposition, WWW-Authenticate";
  static final String MAX_AGE_SECONDS = "600";

  private final Set<String> origins;

  private Cors(List<String> origins) {
    this.origins = Set.copyOf(origins);
  }

  /** Mounts nothing when no origin is listed: the API answers as if CORS did not exist. */
  public static void mount(Router router, List<String> origins) {
    if (!origins.isEmpty()) {
      router.route("/api/*").handler(new Cors(origins));
    }
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerResponse response = ctx.response();
    // The answer depends on Origin whenever CORS is on: a shared cache must not hand one origin's to another.
    response.headers().add("Vary", "Origin");
    String origin = ctx.request().getHeader("Origin");
    boolean preflight = ctx.request().method() == HttpMethod.OPTIONS
        && ctx.request().getHeader("Access-Control-Request-Method") != null;
    boolean allowed = origin != null && origins.contains(origin.toLowerCase(Locale.ROOT));
    if (preflight && !allowed) {
      Problems.send(ctx, Problems.problem(403, "cors-origin-refused", "Origin not allowed",
          "This API accepts cross-origin requests only from the origins it was configured with."));
      return;
    }
    if (!allowed) {
      // Same-origin pages send Origin too, and a request without CORS headers is what a browser refuses to share.
      ctx.next();
      return;
    }
    response.putHeader("Access-Control-Allow-Origin", origin);
    if (preflight) {
      response.putHeader("Access-Control-Allow-Methods", METHODS)
          .putHeader("Access-Control-Allow-Headers", HEADERS)
          .putHeader("Access-Control-Max-Age", MAX_AGE_SECONDS)
          .setStatusCode(204).end();
      return;
    }
    response.putHeader("Access-Control-Expose-Headers", EXPOSED);
    ctx.next();
  }
}
