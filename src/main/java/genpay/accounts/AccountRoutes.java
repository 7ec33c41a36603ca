package genpay.accounts;

import genpay.web.JsonAnswer;
import genpay.config.Addresses;
import genpay.config.Settings;
import genpay.mail.Mail;
import genpay.mail.MailTemplates;
import genpay.web.ClientIp;
import genpay.web.InvalidInput;
import genpay.web.Problems;
import genpay.web.RateWindow;
import genpay.web.SlidingWindowLimiter;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.redis.client.Redis;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;

/** Sign-in by e-mail link, sign-out, the account, and its API keys (DESIGN.md section 13). */
public final class AccountRoutes {

  public static final RateWindow LINKS_PER_ADDRESS = new RateWindow(5, Duration.ofMinutes(15).toMillis());
  public static final RateWindow LINKS_PER_CLIENT = new RateWindow(20, Duration.ofMinutes(15).toMillis());
  public static final String ADDRESS_LIMIT_PREFIX = "ratelimit:signin:email:";
  public static final String CLIENT_LIMIT_PREFIX = "ratelimit:signin:ip:";
  private static final int MAX_KEY_NAME = 100;

  private static final Logger LOG = LoggerFactory.getLogger(AccountRoutes.class);
  /** Bounds how long a sign-in request waits for its mail; the send itself may go on and still succeed. */
  private static final DeliveryOptions MAIL = new DeliveryOptions().setLocalOnly(true).setSendTimeout(15_000);
  private static final DeliveryOptions BALANCE = new DeliveryOptions().setSendTimeout(2_000);

  private final Settings settings;
  private final EventBus bus;
  private final AccountStore store;
  private final AppOrigin app;
  private final ClientIp clientIp;
  private final FreeGrants freeGrants;
  private final SlidingWindowLimiter perAddress;
  private final SlidingWindowLimiter perClient;

  public AccountRoutes(Settings settings, EventBus bus, Redis redis, Clock clock) {
    this.settings = settings;
    this.bus = bus;
    this.store = new AccountStore(redis, settings.shards(), clock, settings.redisTimeoutMs());
    this.app = new AppOrigin(settings.appUrl());
    this.clientIp = new ClientIp(settings.trustedProxies());
    this.freeGrants = new FreeGrants(bus, clock);
    this.perAddress = new SlidingWindowLimiter(redis, ADDRESS_LIMIT_PREFIX, LINKS_PER_ADDRESS, clock);
    this.perClient = new SlidingWindowLimiter(redis, CLIENT_LIMIT_PREFIX, LINKS_PER_CLIENT, clock);
  }

  /**
   * Mount before every other {@code /api/} route: the auth handler must see each request first. Routes of
   * other packages that need the account put {@link AuthHandler#required()} before their own handler and read
   * it with {@link AuthHandler#account}.
   */
  public void mount(Router router) {
    // A route without a path has no name, so the metrics' route label stays that of the route that answers.
    router.route().handler(new AuthHandler(store, app, freeGrants));
    router.post("/api/auth/email-link").handler(this::emailLink);
    router.get("/auth/verify").handler(this::verify);
    router.post("/api/auth/logout").handler(this::logout);
    router.get("/api/account").handler(AuthHandler.required()).handler(this::account);
    router.post("/api/keys").handler(AuthHandler.required()).handler(this::createKey);
    router.get("/api/keys").handler(AuthHandler.required()).handler(this::listKeys);
    router.delete("/api/keys/:id").handler(AuthHandler.required()).handler(this::revokeKey);
  }

  private void emailLink(RoutingContext ctx) {
    SignInRequest request;
    try {
      request = SignInRequest.parse(ctx.body().buffer());
    } catch (InvalidInput invalid) {
      Problems.invalid(ctx, invalid);
      return;
    }
    String client = clientIp.resolve(ctx.request().remoteAddress().hostAddress(),
        ctx.request().headers().getAll("X-Forwarded-For"));
    perClient.check(client).compose(byClient -> byClient.allowed() ? perAddress
            .check(AccountStore.emailHash(request.email())).map(byAddress -> byAddress.allowed() ? null
                : refusal(byAddress, "At most " + LINKS_PER_ADDRESS.limit() + " sign-in links an address in 15 minutes"))
            : Future.succeededFuture(refusal(byClient,
                "At most " + LINKS_PER_CLIENT.limit() + " sign-in links from one address in 15 minutes")))
        .onSuccess(refused -> {
          if (refused == null) {
            sendLink(ctx, request);
          } else {
            ctx.response().putHeader("Retry-After", refused.getString("retryAfter"));
            refused.remove("retryAfter");
            Problems.send(ctx, refused);
          }
        });
  }

  private static JsonObject refusal(RateWindow.Decision decision, String what) {
    return Problems.problem(429, "rate-limited", "Too many requests",
            what + "; try again in " + decision.retryAfterSeconds() + " s.")
        .put("retryAfter", String.valueOf(decision.retryAfterSeconds()));
  }

  /** The same answer whether or not the address has an account: nothing to enumerate. */
  private void sendLink(RoutingContext ctx, SignInRequest request) {
    String token = Tokens.secret();
    String link = settings.appUrl() + "/auth/verify?token=" + token;
    Mail mail = MailTemplates.signIn(request.email(), request.locale(), link);
    store.storeLink(Tokens.sha256(token), request.email(), request.next(), request.locale())
        .onFailure(failure -> {
          LOG.warn("auth: sign-in link not stored ({})", failure.getMessage());
          Problems.send(ctx, Problems.unavailable("Sign-in links cannot be made right now; try again shortly."));
        })
        .compose(stored -> bus.request(Addresses.MAIL_SEND, new JsonObject().put("to", mail.to())
                .put("subject", mail.subject()).put("text", mail.text()).put("html", mail.html()), MAIL)
            .onFailure(failure -> LOG.warn("auth: sign-in link for an address at {} not sent ({})",
                mail.recipientDomain(), failure.getMessage()))
            .otherwiseEmpty())
        .onSuccess(sent -> ctx.response().setStatusCode(202).putHeader("Content-Type", "application/json")
            .putHeader("Cache-Control", "no-store").end(new JsonObject().put("status", "accepted").encode()));
  }

  private void verify(RoutingContext ctx) {
    ctx.response().putHeader("Cache-Control", "no-store").putHeader("Referrer-Policy", "no-referrer");
    String token = ctx.request().getParam("token");
    if (token == null || !Tokens.SECRET.matcher(token).matches()) {
      page(ctx, 400, "This sign-in link is no longer valid", "Links work once, for 15 minutes. Ask for a new one.");
      return;
    }
    store.takeLink(Tokens.sha256(token)).compose(link -> {
      if (link == null) {
        return Future.succeededFuture(false);
      }
      String session = Tokens.secret();
      return store.signIn(link.getString("email"), Tokens.sha256(session)).map(signIn -> {
        LOG.info("auth: account {} {}", signIn.accountId(), signIn.created() ? "created and signed in" : "signed in");
        String locale = link.getString("locale", "en");
        ctx.response().addCookie(AuthHandler.sessionCookie(app, session))
            .putHeader("Location", NextPath.safe(link.getString("next"), locale))
            .setStatusCode(303).end();
        return true;
      });
    }).onSuccess(signedIn -> {
      if (!signedIn) {
        page(ctx, 400, "This sign-in link is no longer valid", "Links work once, for 15 minutes. Ask for a new one.");
      }
    }).onFailure(failure -> {
      LOG.warn("auth: sign-in not completed ({})", failure.getMessage());
      page(ctx, 503, "Sign-in is unavailable right now", "Please try again in a moment.");
    });
  }

  private void logout(RoutingContext ctx) {
    var cookie = ctx.request().getCookie(AuthHandler.COOKIE);
    Future<Void> ended = cookie != null && Tokens.SECRET.matcher(cookie.getValue()).matches()
        ? store.endSession(Tokens.sha256(cookie.getValue()))
        : Future.succeededFuture();
    ended.onSuccess(done -> {
      ctx.response().addCookie(AuthHandler.clearedCookie(app)).putHeader("Cache-Control", "no-store")
          .setStatusCode(204).end();
    }).onFailure(failure -> Problems.send(ctx,
        Problems.unavailable("Signing out cannot be done right now; try again shortly.")));
  }

  private void account(RoutingContext ctx) {
    Account account = AuthHandler.account(ctx);
    bus.<JsonObject>request(Addresses.CREDITS_BALANCE, new JsonObject().put("accountId", account.id()), BALANCE)
        .map(reply -> reply.body() == null ? null : reply.body().getNumber("balance"))
        .otherwise(failure -> {
          LOG.debug("auth: no balance for {} ({})", account.id(), failure.getMessage());
          return null;
        })
        .onSuccess(balance -> json(ctx, 200, new JsonObject().put("id", account.id()).put("email", account.email())
            .put("plan", account.plan()).put("balance", balance == null ? 0 : balance)
            .put("apiAccess", account.apiAccess())));
  }

  private void createKey(RoutingContext ctx) {
    Account account = AuthHandler.account(ctx);
    if (!account.apiAccess()) {
      Problems.send(ctx, AuthHandler.planRequired());
      return;
    }
    String name;
    try {
      name = keyName(ctx);
    } catch (InvalidInput invalid) {
      Problems.invalid(ctx, invalid);
      return;
    }
    String key = store.newApiKey(account.id());
    store.createKey(account.id(), Tokens.sha256(key), name, key.substring(0, 8))
        .onSuccess(created -> {
          LOG.info("auth: account {} made API key {}", account.id(), created.id());
          json(ctx, 201, created.toJson().put("key", key));
        })
        .onFailure(failure -> Problems.send(ctx, Problems.unavailable("The key cannot be made right now.")));
  }

  private static String keyName(RoutingContext ctx) {
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (RuntimeException notJson) {
      throw new InvalidInput(null, "The body must be a JSON object.");
    }
    Object name = body == null ? null : body.getValue("name");
    if (!(name instanceof String text) || text.isBlank()) {
      throw new InvalidInput("name", "name is required: what the key is for.");
    }
    text = text.strip();
    if (text.codePointCount(0, text.length()) > MAX_KEY_NAME || text.chars().anyMatch(Character::isISOControl)) {
      throw new InvalidInput("name", "name must be at most " + MAX_KEY_NAME + " characters, without control characters.");
    }
    return text;
  }

  private void listKeys(RoutingContext ctx) {
    store.keys(AuthHandler.account(ctx).id())
        .onSuccess(keys -> {
          JsonArray list = new JsonArray();
          keys.forEach(key -> list.add(key.toJson()));
          json(ctx, 200, new JsonObject().put("keys", list));
        })
        .onFailure(failure -> Problems.send(ctx, Problems.unavailable("Keys cannot be listed right now.")));
  }

  private void revokeKey(RoutingContext ctx) {
    Account account = AuthHandler.account(ctx);
    String keyId = ctx.pathParam("id");
    store.revokeKey(account.id(), keyId)
        .onSuccess(revoked -> {
          if (revoked) {
            LOG.info("auth: account {} revoked API key {}", account.id(), keyId);
            ctx.response().putHeader("Cache-Control", "no-store").setStatusCode(204).end();
          } else {
            Problems.send(ctx, Problems.problem(404, "not-found", "Not found", "This account has no such key."));
          }
        })
        .onFailure(failure -> Problems.send(ctx, Problems.unavailable("The key cannot be revoked right now.")));
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    JsonAnswer.send(ctx, status, body);
  }

  private static void page(RoutingContext ctx, int status, String title, String text) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "text/html; charset=utf-8").end("""
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>%s</title>
        <style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#1a1a2e}</style>
        </head><body>
        <h1>%s</h1>
        <p>%s</p>
        <p><a href="/">Back to genpay</a></p>
        </body></html>
        """.formatted(MailTemplates.escape(title), MailTemplates.escape(title), MailTemplates.escape(text)));
  }
}
