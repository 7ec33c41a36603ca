package genpay.accounts;

import genpay.web.Problems;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sees every request and acts on those under {@code /api/}: finds who a request comes from, by the {@code gp_session} cookie or by
 * {@code Authorization: Bearer gpk_…}, and puts the account in the context ({@link #account}). A request with
 * neither goes on as today, without an account; routes that need one put {@link #required()} after this.
 *
 * <ul>
 *   <li>A key that is unknown or revoked: 401. A key whose account's plan has no API access: 403 plan-required.
 *   <li>A cookie for no live session counts as no cookie (a stale cookie must not break buying by card).
 *   <li>A cookie-authenticated request that changes state from another origin: 403. Keys are exempt: a
 *       browser never adds a key by itself.
 * </ul>
 */
public final class AuthHandler implements Handler<RoutingContext> {

  public static final String COOKIE = "gp_session";
  private static final String ACCOUNT = "genpay.account";
  private static final String VIA = "genpay.auth.via";
  private static final String UNAVAILABLE = "genpay.auth.unavailable";
  private static final String BEARER = "Bearer ";
  private static final String API = "/api/";
  /** The admin console's pages (genpay.admin) need their visitor's account too. */
  private static final java.util.regex.Pattern ADMIN_PAGE = java.util.regex.Pattern.compile("^/[^/]+/admin(/.*)?$");
  private static final Logger LOG = LoggerFactory.getLogger(AuthHandler.class);

  private final AccountStore store;
  private final AppOrigin app;
  private final FreeGrants freeGrants;

  public AuthHandler(AccountStore store, AppOrigin app, FreeGrants freeGrants) {
    this.freeGrants = freeGrants;
    this.store = store;
    this.app = app;
  }

  /** The signed-in account of this request, or null. */
  public static Account account(RoutingContext ctx) {
    return ctx.get(ACCOUNT);
  }

  /** "cookie" or "key" for a signed-in request, else null. */
  public static String via(RoutingContext ctx) {
    return ctx.get(VIA);
  }

  /** 401 when the request has no account (503 when Redis could not say whose the cookie was). */
  public static Handler<RoutingContext> required() {
    return ctx -> {
      if (account(ctx) != null) {
        ctx.next();
      } else if (Boolean.TRUE.equals(ctx.get(UNAVAILABLE))) {
        Problems.send(ctx, Problems.unavailable("Sign-in cannot be checked right now; try again shortly."));
      } else {
        unauthorized(ctx, "Sign in, or send Authorization: Bearer with an API key.");
      }
    };
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (!ctx.normalizedPath().startsWith(API) && !ADMIN_PAGE.matcher(ctx.normalizedPath()).matches()) {
      ctx.next();
      return;
    }
    String authorization = ctx.request().getHeader("Authorization");
    if (authorization != null && authorization.startsWith(BEARER + Tokens.KEY_PREFIX)) {
      byKey(ctx, authorization.substring(BEARER.length()).strip());
      return;
    }
    Cookie cookie = ctx.request().getCookie(COOKIE);
    if (cookie != null && Tokens.SECRET.matcher(cookie.getValue()).matches()) {
      byCookie(ctx, cookie.getValue());
      return;
    }
    ctx.next();
  }

  private void byKey(RoutingContext ctx, String key) {
    if (!Tokens.isApiKey(key)) {
      unauthorized(ctx, "The API key is not valid.");
      return;
    }
    String hash = Tokens.sha256(key);
    store.keyByHash(hash)
        .compose(found -> found == null ? Future.succeededFuture(null) : store.account(found.accountId()))
        .onSuccess(account -> {
          if (account == null) {
            unauthorized(ctx, "The API key is not valid (unknown or revoked).");
          } else if (!account.apiAccess()) {
            Problems.send(ctx, planRequired());
          } else {
            store.touchKey(hash).onFailure(failure -> LOG.debug("auth: last use of a key of {} not recorded: {}",
                account.id(), failure.getMessage()));
            ctx.put(ACCOUNT, account).put(VIA, "key");
            freeGrants.ensure(account).onComplete(granted -> ctx.next());
          }
        })
        .onFailure(failure -> Problems.send(ctx,
            Problems.unavailable("The API key cannot be checked right now; try again shortly.")));
  }

  private void byCookie(RoutingContext ctx, String session) {
    store.sessionAccount(Tokens.sha256(session))
        .onSuccess(account -> {
          if (account == null) {
            ctx.next();
            return;
          }
          if (AppOrigin.changesState(ctx.request().method().name())
              && !app.sentByApp(ctx.request().getHeader("Origin"), ctx.request().getHeader("Sec-Fetch-Site"))) {
            Problems.send(ctx, Problems.problem(403, "cross-origin", "Request from another site refused",
                "A signed-in request that changes something must come from " + app.origin() + "."));
            return;
          }
          ctx.response().addCookie(sessionCookie(app, session));
          ctx.put(ACCOUNT, account).put(VIA, "cookie");
          freeGrants.ensure(account).onComplete(granted -> ctx.next());
        })
        .onFailure(failure -> {
          LOG.warn("auth: session not checked ({}); the request goes on signed out", failure.getMessage());
          ctx.put(UNAVAILABLE, true);
          ctx.next();
        });
  }

  /** The session cookie, for its full lifetime from now: set at sign-in, set again on each use. */
  public static Cookie sessionCookie(AppOrigin app, String value) {
    return Cookie.cookie(COOKIE, value).setPath("/").setHttpOnly(true).setSameSite(CookieSameSite.LAX)
        .setSecure(app.https()).setMaxAge(AccountStore.SESSION_TTL.toSeconds());
  }

  /** Tells the browser to forget the session cookie. */
  public static Cookie clearedCookie(AppOrigin app) {
    return Cookie.cookie(COOKIE, "").setPath("/").setHttpOnly(true).setSameSite(CookieSameSite.LAX)
        .setSecure(app.https()).setMaxAge(0);
  }

  public static JsonObject planRequired() {
    return Problems.problem(403, "plan-required", "Your plan does not include this",
        "API keys need a plan with API access.");
  }

  static void unauthorized(RoutingContext ctx, String detail) {
    ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"genpay\"");
    Problems.send(ctx, Problems.problem(401, "unauthorized", "Sign-in required", detail));
  }
}
