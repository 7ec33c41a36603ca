package genpay.accounts;

import genpay.credits.LedgerKeys;
import genpay.TestKeys;
import genpay.CapturedLog;
import genpay.TestEngine;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static genpay.ProblemAssert.assertProblem;
import static genpay.TestEngine.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sign-in by e-mail link, the session cookie, the origin rule and API keys, on a real engine over HTTP. */
class AccountsTest {

  private static final Pattern LINK = Pattern.compile("/auth/verify\\?token=([A-Za-z0-9_-]{43})");
  private static final AtomicInteger SEQUENCE = new AtomicInteger();
  /** Every token, cookie and key the tests saw: none may ever be logged. */
  private static final Set<String> SECRETS = ConcurrentHashMap.newKeySet();

  /** Behind a "proxy" on 127.0.0.1, so each test is its own client IP for the per-IP limit. */
  private static TestEngine genpay;
  private static String origin;

  @BeforeAll
  static void start() throws Exception {
    genpay = TestEngine.start(Map.of("TRUSTED_PROXIES", "127.0.0.1"));
    origin = genpay.settings().appUrl();
  }

  @AfterAll
  static void stop() {
    genpay.close();
  }

  private static String newEmail() {
    return "Buyer." + SEQUENCE.incrementAndGet() + "x" + System.nanoTime() + "@Example.test";
  }

  private static String newIp() {
    int n = SEQUENCE.incrementAndGet();
    return "10." + (n / 65536 % 256) + "." + (n / 256 % 256) + "." + (n % 256);
  }

  private static HttpResponse<Buffer> askForLink(JsonObject body, String ip) {
    return await(genpay.http.post("/api/auth/email-link").putHeader("X-Forwarded-For", ip).sendJsonObject(body));
  }

  /** Asks for a link and reads its token out of the sandbox mailbox. */
  private static String linkToken(String email, String next, String ip) {
    JsonObject body = new JsonObject().put("email", email);
    if (next != null) {
      body.put("next", next);
    }
    HttpResponse<Buffer> asked = askForLink(body, ip);
    assertEquals(202, asked.statusCode(), asked.bodyAsString());
    return newestToken(email);
  }

  private static String newestToken(String email) {
    JsonArray messages = await(genpay.http.get("/sandbox/mail/api/messages").send()).bodyAsJsonArray();
    for (int i = 0; i < messages.size(); i++) {
      JsonObject message = messages.getJsonObject(i);
      if (email.equals(message.getString("to"))) {
        Matcher link = LINK.matcher(message.getString("text"));
        assertTrue(link.find(), message.getString("text"));
        assertTrue(message.getString("text").contains(origin + "/auth/verify?token="), "the link is on APP_URL");
        SECRETS.add(link.group(1));
        return link.group(1);
      }
    }
    throw new AssertionError("no message to " + email);
  }

  private static HttpResponse<Buffer> verify(String token) {
    return await(genpay.http.get("/auth/verify?token=" + token).send());
  }

  /** The value of gp_session a response sets, or null. */
  private static String sessionCookie(HttpResponse<Buffer> response) {
    for (String cookie : response.cookies()) {
      if (cookie.startsWith("gp_session=")) {
        String value = cookie.substring("gp_session=".length(), cookie.indexOf(';'));
        SECRETS.add(value);
        return value;
      }
    }
    return null;
  }

  private static String setCookieHeader(HttpResponse<Buffer> response) {
    return response.cookies().stream().filter(cookie -> cookie.startsWith("gp_session=")).findFirst().orElse(null);
  }

  private static String signIn(String email) {
    HttpResponse<Buffer> verified = verify(linkToken(email, null, newIp()));
    assertEquals(303, verified.statusCode(), verified.bodyAsString());
    return sessionCookie(verified);
  }

  private static HttpRequest<Buffer> withCookie(HttpRequest<Buffer> request, String session) {
    return request.putHeader("Cookie", "gp_session=" + session);
  }

  private static HttpResponse<Buffer> account(String session) {
    return await(withCookie(genpay.http.get("/api/account"), session).send());
  }

  private static Response redis(Request request) {
    return await(genpay.redis.send(request));
  }

  private static int accountsOf(String email) {
    Response id = redis(Request.cmd(Command.GET).arg(AccountStore.emailKey(email)));
    return id == null ? 0 : 1;
  }

  @Test
  void aLinkSignsInOnceAndMakesTheAccountOnlyThen() {
    String email = newEmail();
    String token = linkToken(email, null, newIp());
    String hash = Tokens.sha256(token);
    assertEquals(1, redis(Request.cmd(Command.EXISTS).arg("auth:link:" + hash)).toInteger(), "stored by its hash");
    for (Response key : redis(Request.cmd(Command.KEYS).arg("auth:*"))) {
      assertFalse(key.toString().contains(token), "the raw token is no key");
      Response value = redis(Request.cmd(Command.TYPE).arg(key.toString())).toString().equals("string")
          ? redis(Request.cmd(Command.GET).arg(key.toString())) : null;
      assertFalse(value != null && value.toString().contains(token), "the raw token is no value");
    }
    assertEquals(0, accountsOf(email), "asking for a link makes no account");

    HttpResponse<Buffer> first = verify(token);
    assertEquals(303, first.statusCode(), first.bodyAsString());
    assertEquals("/en/account", first.getHeader("Location"));
    String setCookie = setCookieHeader(first);
    assertNotNull(setCookie);
    assertTrue(setCookie.contains("Path=/"), setCookie);
    assertTrue(setCookie.toLowerCase().contains("httponly"), setCookie);
    assertTrue(setCookie.contains("SameSite=Lax"), setCookie);
    assertTrue(setCookie.contains("Max-Age=2592000"), setCookie);
    assertFalse(setCookie.contains("Secure"), "APP_URL is http: " + setCookie);
    String session = sessionCookie(first);
    assertTrue(Tokens.SECRET.matcher(session).matches(), "32 random bytes, base64url");
    assertEquals(1, redis(Request.cmd(Command.EXISTS).arg("auth:session:" + Tokens.sha256(session))).toInteger());

    JsonObject me = account(session).bodyAsJsonObject();
    assertEquals(email, me.getString("email"));
    assertEquals("free", me.getString("plan"));
    assertEquals(10, me.getNumber("balance").intValue(), "the free plan's credits of the month");
    assertFalse(me.getBoolean("apiAccess"));
    assertTrue(me.getString("id").startsWith("acc_"), me.encode());
    Map<String, String> stored = AccountStore.fields(redis(Request.cmd(Command.HGETALL).arg(TestKeys.account(me.getString("id")))));
    assertEquals(Set.of("id", "email", "plan", "createdAt"), stored.keySet());
    assertEquals(me.getString("id"),
        redis(Request.cmd(Command.GET).arg("account:email:" + Tokens.sha256(email.toLowerCase()))).toString());

    HttpResponse<Buffer> second = verify(token);
    assertEquals(400, second.statusCode());
    assertTrue(second.getHeader("Content-Type").startsWith("text/html"));
    assertTrue(second.bodyAsString().contains("no longer valid"), second.bodyAsString());
    assertNull(sessionCookie(second));

    // The same address, another spelling, another link: the same account.
    String again = signIn(email.toUpperCase());
    assertEquals(me.getString("id"), account(again).bodyAsJsonObject().getString("id"));
  }

  @Test
  void aLinkDoesNotWorkAfterFifteenMinutes() {
    String email = newEmail();
    String token = linkToken(email, null, newIp());
    String key = "auth:link:" + Tokens.sha256(token);
    long ttl = redis(Request.cmd(Command.PTTL).arg(key)).toLong();
    assertTrue(ttl > 890_000 && ttl <= 900_000, "15 minutes: " + ttl);
    // What 15 minutes do to the key, without waiting for them.
    redis(Request.cmd(Command.PEXPIREAT).arg(key).arg(1));

    HttpResponse<Buffer> late = verify(token);
    assertEquals(400, late.statusCode());
    assertTrue(late.bodyAsString().contains("no longer valid"));
    assertNull(sessionCookie(late));
    assertEquals(0, accountsOf(email));
  }

  @Test
  void aNewFreeAccountHasItsTenCreditsOfTheMonthOnce() {
    String session = signIn(newEmail());
    JsonObject first = account(session).bodyAsJsonObject();
    assertEquals("free", first.getString("plan"));
    assertEquals(10.0, first.getDouble("balance"), "the free plan's monthly credits, from the first request on");
    assertEquals(10.0, account(session).bodyAsJsonObject().getDouble("balance"));
    long freeGrants = redis(Request.cmd(Command.XRANGE).arg(LedgerKeys.stream(TestKeys.SHARDS, first.getString("id"))).arg("-").arg("+"))
        .stream().filter(entry -> entry.get(1).toString().contains("free_grant")).count();
    assertEquals(1, freeGrants, "granted once per account and month");
  }

  @Test
  void aForgedOrMalformedTokenGetsThePageAndMakesNothing() {
    String before = genpay.redisDigest();
    for (String token : List.of(Tokens.secret(), "short", "", "%2F..%2F")) {
      HttpResponse<Buffer> forged = verify(token);
      assertEquals(400, forged.statusCode(), token);
      assertTrue(forged.bodyAsString().contains("no longer valid"));
      assertNull(sessionCookie(forged));
    }
    assertEquals(400, await(genpay.http.get("/auth/verify").send()).statusCode());
    assertEquals(before, genpay.redisDigest(), "no account, no session, nothing");
  }

  @Test
  void twoFirstSignInsAtOnceMakeOneAccount() {
    String email = newEmail();
    String ip = newIp();
    String one = linkToken(email, null, ip);
    String two = linkToken(email, null, ip);
    Future<HttpResponse<Buffer>> a = genpay.http.get("/auth/verify?token=" + one).send();
    Future<HttpResponse<Buffer>> b = genpay.http.get("/auth/verify?token=" + two).send();
    String first = sessionCookie(await(a));
    String second = sessionCookie(await(b));
    assertNotEquals(first, second);
    assertEquals(account(first).bodyAsJsonObject().getString("id"), account(second).bodyAsJsonObject().getString("id"));
  }

  @Test
  void theCookieRenewsOnUseAndLogoutEndsIt() {
    String session = signIn(newEmail());
    String key = "auth:session:" + Tokens.sha256(session);
    redis(Request.cmd(Command.EXPIRE).arg(key).arg(60));

    HttpResponse<Buffer> used = account(session);
    assertEquals(200, used.statusCode());
    assertTrue(redis(Request.cmd(Command.TTL).arg(key)).toLong() > 29L * 24 * 3600, "30 days again");
    String renewed = setCookieHeader(used);
    assertNotNull(renewed, "the cookie is set again");
    assertTrue(renewed.startsWith("gp_session=" + session + ";") && renewed.contains("Max-Age=2592000"), renewed);

    HttpResponse<Buffer> out = await(withCookie(genpay.http.post("/api/auth/logout"), session)
        .putHeader("Origin", origin).send());
    assertEquals(204, out.statusCode(), out.bodyAsString());
    assertTrue(setCookieHeader(out).contains("Max-Age=0"), setCookieHeader(out));
    assertEquals(0, redis(Request.cmd(Command.EXISTS).arg(key)).toInteger());
    assertProblem(account(session), 401);
  }

  @Test
  void withoutCredentialsTheAccountIs401() {
    assertProblem(await(genpay.http.get("/api/account").send()), 401);
    assertProblem(account(Tokens.secret()), 401);
    assertProblem(account("not-a-session"), 401);
    assertProblem(await(genpay.http.get("/api/account").putHeader("Authorization", "Bearer " + Tokens.apiKey()).send()), 401);
    assertProblem(await(genpay.http.get("/api/account").putHeader("Authorization", "Bearer gpk_short").send()), 401);
    assertProblem(await(genpay.http.get("/api/keys").send()), 401);
  }

  @Test
  void aSignedInChangeFromAnotherOriginIs403() {
    String session = signIn(newEmail());
    for (Map<String, String> headers : List.<Map<String, String>>of(Map.of("Origin", "https://evil.example"),
        Map.of("Origin", "null"), Map.of(), Map.of("Sec-Fetch-Site", "cross-site"),
        Map.of("Origin", origin + ".evil.example"))) {
      HttpRequest<Buffer> request = withCookie(genpay.http.post("/api/auth/logout"), session);
      headers.forEach(request::putHeader);
      HttpResponse<Buffer> refused = await(request.send());
      assertProblem(refused, 403);
      assertTrue(refused.bodyAsJsonObject().getString("type").endsWith("/cross-origin"), headers.toString());
      assertEquals(200, account(session).statusCode(), "the session still works after " + headers);
    }
    HttpResponse<Buffer> sameSite = await(withCookie(genpay.http.post("/api/auth/logout"), session)
        .putHeader("Sec-Fetch-Site", "same-origin").send());
    assertEquals(204, sameSite.statusCode(), sameSite.bodyAsString());
    assertProblem(account(session), 401);
  }

  @Test
  void nextIsAPathOnThisSiteOrTheAccountPage() {
    Map<String, String> cases = new java.util.LinkedHashMap<>();
    cases.put("//evil.example", "/en/account");
    cases.put("https://evil.example", "/en/account");
    cases.put("/\\evil.example", "/en/account");
    cases.put("/\tevil", "/en/account");
    cases.put("javascript:alert(1)", "/en/account");
    cases.put("/de/tool/clip?x=1", "/de/tool/clip?x=1");
    cases.put("/en/file/abc", "/en/file/abc");
    String ip = newIp();
    for (var entry : cases.entrySet()) {
      String email = newEmail();
      HttpResponse<Buffer> verified = verify(linkToken(email, entry.getKey(), ip));
      assertEquals(303, verified.statusCode());
      assertEquals(entry.getValue(), verified.getHeader("Location"), "next " + entry.getKey());
      sessionCookie(verified);
    }
    String email = newEmail();
    HttpResponse<Buffer> german = askForLink(new JsonObject().put("email", email).put("next", "//evil.example")
        .put("locale", "de"), ip);
    assertEquals(202, german.statusCode());
    HttpResponse<Buffer> verified = verify(newestToken(email));
    assertEquals("/de/account", verified.getHeader("Location"));
    sessionCookie(verified);
  }

  @Test
  void apiKeysNeedAPlanWithApiAccessAndStopWhenRevokedOrThePlanEnds() {
    String session = signIn(newEmail());
    String accountId = account(session).bodyAsJsonObject().getString("id");
    HttpResponse<Buffer> onFree = await(withCookie(genpay.http.post("/api/keys"), session).putHeader("Origin", origin)
        .sendJsonObject(new JsonObject().put("name", "ci")));
    assertProblem(onFree, 403);
    assertTrue(onFree.bodyAsJsonObject().getString("type").endsWith("/plan-required"));

    redis(Request.cmd(Command.HSET).arg(TestKeys.account(accountId)).arg("plan").arg("pro"));
    HttpResponse<Buffer> created = await(withCookie(genpay.http.post("/api/keys"), session)
        .putHeader("Origin", origin).sendJsonObject(new JsonObject().put("name", "ci")));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    String key = created.bodyAsJsonObject().getString("key");
    SECRETS.add(key);
    assertTrue(key.startsWith("gpk_") && Tokens.SECRET.matcher(key.substring(4)).matches(), key);
    assertEquals(key.substring(0, 8), created.bodyAsJsonObject().getString("prefix"));
    String keyId = created.bodyAsJsonObject().getString("id");
    Map<String, String> stored = AccountStore.fields(redis(Request.cmd(Command.HGETALL).arg(AccountStore.apiKeyKey(TestKeys.SHARDS, Tokens.sha256(key)))));
    assertEquals(accountId, stored.get("accountId"));
    assertFalse(stored.containsValue(key), "stored hashed");

    // The key on its own, no cookie, no Origin: exempt from the origin rule.
    HttpResponse<Buffer> me = await(genpay.http.get("/api/account").putHeader("Authorization", "Bearer " + key).send());
    assertEquals(200, me.statusCode(), me.bodyAsString());
    assertEquals(accountId, me.bodyAsJsonObject().getString("id"));
    assertTrue(me.bodyAsJsonObject().getBoolean("apiAccess"));
    HttpResponse<Buffer> second = await(genpay.http.post("/api/keys").putHeader("Authorization", "Bearer " + key)
        .sendJsonObject(new JsonObject().put("name", "deploy")));
    assertEquals(201, second.statusCode(), second.bodyAsString());
    String secondKey = second.bodyAsJsonObject().getString("key");
    SECRETS.add(secondKey);

    HttpResponse<Buffer> listed = await(withCookie(genpay.http.get("/api/keys"), session).send());
    assertEquals(200, listed.statusCode());
    assertFalse(listed.bodyAsString().contains(key.substring(8)), "the key is shown once, never listed");
    assertFalse(listed.bodyAsString().contains(secondKey.substring(8)));
    JsonArray keys = listed.bodyAsJsonObject().getJsonArray("keys");
    assertEquals(2, keys.size(), keys.encode());
    JsonObject ci = keys.getJsonObject(0);
    assertEquals("ci", ci.getString("name"));
    assertEquals(key.substring(0, 8), ci.getString("prefix"));
    assertNotNull(ci.getString("createdAt"));
    assertNotNull(ci.getString("lastUsedAt"), "used above");
    assertFalse(ci.containsKey("key"));

    HttpResponse<Buffer> revoked = await(withCookie(genpay.http.delete("/api/keys/" + keyId), session)
        .putHeader("Origin", origin).send());
    assertEquals(204, revoked.statusCode(), revoked.bodyAsString());
    assertProblem(await(genpay.http.get("/api/account").putHeader("Authorization", "Bearer " + key).send()), 401);
    assertEquals(0, redis(Request.cmd(Command.EXISTS).arg(AccountStore.apiKeyKey(TestKeys.SHARDS, Tokens.sha256(key)))).toInteger());
    assertProblem(await(withCookie(genpay.http.delete("/api/keys/" + keyId), session).putHeader("Origin", origin)
        .send()), 404);

    // Back to free: the remaining key no longer works, though it still exists.
    redis(Request.cmd(Command.HSET).arg(TestKeys.account(accountId)).arg("plan").arg("free"));
    HttpResponse<Buffer> fellBack = await(genpay.http.get("/api/account")
        .putHeader("Authorization", "Bearer " + secondKey).send());
    assertProblem(fellBack, 403);
    assertTrue(fellBack.bodyAsJsonObject().getString("type").endsWith("/plan-required"));
    // Listing and revoking stay possible on free, so an old key can be cleaned up.
    assertEquals(1, await(withCookie(genpay.http.get("/api/keys"), session).send()).bodyAsJsonObject()
        .getJsonArray("keys").size());
  }

  @Test
  void fiveLinksPerAddressAndTwentyPerClientIn15Minutes() {
    String email = newEmail();
    for (int i = 0; i < 5; i++) {
      assertEquals(202, askForLink(new JsonObject().put("email", email), newIp()).statusCode(), "link " + (i + 1));
    }
    assertRateLimited(askForLink(new JsonObject().put("email", email.toLowerCase()), newIp()));

    String ip = newIp();
    for (int i = 0; i < 20; i++) {
      assertEquals(202, askForLink(new JsonObject().put("email", newEmail()), ip).statusCode(), "link " + (i + 1));
    }
    String before = genpay.redisDigest();
    assertRateLimited(askForLink(new JsonObject().put("email", newEmail()), ip));
    assertEquals(before, genpay.redisDigest(), "a refused request stores nothing");
  }

  private static void assertRateLimited(HttpResponse<Buffer> response) {
    assertProblem(response, 429);
    long retryAfter = Long.parseLong(response.getHeader("Retry-After"));
    assertTrue(retryAfter >= 1 && retryAfter <= 900, "Retry-After within the 15 minutes: " + retryAfter);
    assertFalse(response.bodyAsJsonObject().containsKey("retryAfter"));
  }

  @Test
  void badRequestsFor400AndCountNothing() {
    String ip = newIp();
    String before = genpay.redisDigest();
    for (String body : List.of("", "{", "[]", "{\"email\":42}", "{\"email\":\"\"}", "{\"email\":\"no-at-sign\"}",
        "{\"email\":\"a@b\"}", "{\"email\":\"a b@example.test\"}", "{\"email\":\"x@example.test\",\"next\":5}",
        "{\"email\":\"x@example.test\",\"locale\":\"english\"}")) {
      HttpResponse<Buffer> refused = await(genpay.http.post("/api/auth/email-link").putHeader("X-Forwarded-For", ip)
          .putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(body)));
      assertProblem(refused, 400);
    }
    assertEquals(before, genpay.redisDigest());
  }

  @Test
  void ordersByCardNeedNoAccountAndAStaleCookieChangesNothing() {
    JsonObject order = new JsonObject().put("quantity", 1).put("prompt", "a kite over dunes");
    assertEquals(200, await(genpay.http.post("/api/create-checkout").sendJsonObject(order)).statusCode());
    HttpResponse<Buffer> stale = await(withCookie(genpay.http.post("/api/create-checkout"), Tokens.secret())
        .putHeader("Origin", "https://elsewhere.example").sendJsonObject(order));
    assertEquals(200, stale.statusCode(), stale.bodyAsString());
  }

  @Test
  void noTokenCookieOrKeyIsEverLogged() {
    String email = newEmail();
    String session = signIn(email);
    String accountId = account(session).bodyAsJsonObject().getString("id");
    redis(Request.cmd(Command.HSET).arg(TestKeys.account(accountId)).arg("plan").arg("pro"));
    String key = await(withCookie(genpay.http.post("/api/keys"), session).putHeader("Origin", origin)
        .sendJsonObject(new JsonObject().put("name", "logs"))).bodyAsJsonObject().getString("key");
    SECRETS.add(key);
    await(genpay.http.get("/api/account").putHeader("Authorization", "Bearer " + key).send());
    verify(linkToken(email, null, newIp()));
    await(withCookie(genpay.http.post("/api/auth/logout"), session).putHeader("Origin", origin).send());

    List<String> lines = CapturedLog.lines();
    assertTrue(lines.stream().anyMatch(line -> line.contains("auth: account " + accountId)), "sign-ins are logged");
    assertTrue(SECRETS.size() >= 4);
    String localPart = email.substring(0, email.indexOf('@'));
    for (String line : lines) {
      for (String secret : SECRETS) {
        assertFalse(line.contains(secret), "a log line holds a secret: " + line);
      }
      assertFalse(line.contains(localPart), "a log line holds an address: " + line);
    }
  }
}
