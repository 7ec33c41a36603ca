package genpay.web;

import genpay.TestEngine;
import genpay.config.ConfigException;
import genpay.config.Settings;
import genpay.push.SseClient;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static genpay.TestEngine.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The API answers CORS to the origins of CORS_ORIGINS alone; every other origin gets nothing to read. */
class CorsTest {

  private static final String SHOP = "https://shop.example";
  private static final String STRANGER = "https://evil.example";

  private static TestEngine genpay;
  private static HttpClient client;

  @BeforeAll
  static void start() throws Exception {
    genpay = TestEngine.start(Map.of("CORS_ORIGINS", SHOP + ", https://studio.example:8443"));
    client = genpay.engine.vertx().createHttpClient();
  }

  @AfterAll
  static void stop() {
    await(client.close());
    genpay.close();
  }

  private static HttpResponse<Buffer> get(String path, String origin) {
    var request = genpay.http.get(path);
    if (origin != null) {
      request.putHeader("Origin", origin);
    }
    return await(request.send());
  }

  private static HttpResponse<Buffer> preflight(String path, String origin, String method, String headers) {
    return await(genpay.http.request(HttpMethod.OPTIONS, path).putHeader("Origin", origin)
        .putHeader("Access-Control-Request-Method", method).putHeader("Access-Control-Request-Headers", headers).send());
  }

  private static void assertNoCors(MultiMap headers, String what) {
    headers.names().forEach(name -> assertTrue(!name.toLowerCase().startsWith("access-control-"),
        what + " has no CORS header, got " + name + ": " + headers.get(name)));
  }

  private static void assertVaryOrigin(MultiMap headers, String what) {
    assertTrue(headers.getAll("Vary").stream().anyMatch(v -> v.contains("Origin")), what + ": Vary " + headers.getAll("Vary"));
  }

  @Test
  void anAllowedOriginReadsTheApi() {
    for (String origin : List.of(SHOP, "https://studio.example:8443")) {
      HttpResponse<Buffer> config = get("/api/config", origin);
      assertEquals(200, config.statusCode());
      assertEquals(origin, config.getHeader("Access-Control-Allow-Origin"), "the origin echoed, never *");
      assertNull(config.getHeader("Access-Control-Allow-Credentials"), "no credentials: cookies are not for other sites");
      assertTrue(config.getHeader("Access-Control-Expose-Headers").contains("Retry-After"));
      assertVaryOrigin(config.headers(), origin);
    }
    HttpResponse<Buffer> created = await(genpay.http.post("/api/create-checkout").putHeader("Origin", SHOP)
        .sendJsonObject(new JsonObject().put("quantity", 1).put("prompt", "A fox in the snow, from the shop")));
    assertEquals(200, created.statusCode(), created.bodyAsString());
    assertEquals(SHOP, created.getHeader("Access-Control-Allow-Origin"));
    // A problem is readable too, so the other site can say what went wrong.
    HttpResponse<Buffer> missing = get("/api/file/8a3c3f0e-9d7b-4a51-8e3e-222222222222", SHOP);
    assertEquals(404, missing.statusCode());
    assertEquals(Problems.CONTENT_TYPE, missing.getHeader("Content-Type"));
    assertEquals(SHOP, missing.getHeader("Access-Control-Allow-Origin"));
  }

  @Test
  void anAllowedPreflightNamesTheMethodsAndHeadersTheApiUses() {
    HttpResponse<Buffer> answer = preflight("/api/create-checkout", SHOP, "POST", "content-type, authorization");
    assertEquals(204, answer.statusCode());
    assertEquals(SHOP, answer.getHeader("Access-Control-Allow-Origin"));
    String methods = answer.getHeader("Access-Control-Allow-Methods");
    for (String method : List.of("GET", "POST", "DELETE")) {
      assertTrue(methods.contains(method), methods);
    }
    String headers = answer.getHeader("Access-Control-Allow-Headers");
    for (String header : List.of("Content-Type", "Authorization", "Idempotency-Key", "Last-Event-ID")) {
      assertTrue(headers.contains(header), headers);
    }
    assertTrue(!methods.contains("*") && !headers.contains("*"), "named, not *");
    assertNull(answer.getHeader("Access-Control-Allow-Credentials"));
    assertTrue(Integer.parseInt(answer.getHeader("Access-Control-Max-Age")) > 0);
    assertVaryOrigin(answer.headers(), "preflight");
    // A route that needs a key: the preflight is answered before any auth.
    assertEquals(204, preflight("/api/keys/k1", SHOP, "DELETE", "authorization").statusCode());
  }

  @Test
  void aDisallowedOriginGetsNoCorsAndItsPreflightIsRefused() {
    for (String origin : List.of(STRANGER, "null", "http://shop.example", "https://shop.example:444",
        "https://sub.shop.example")) {
      HttpResponse<Buffer> config = get("/api/config", origin);
      assertEquals(200, config.statusCode(), "answered as before; the browser keeps it from the page");
      assertNoCors(config.headers(), origin);
      assertVaryOrigin(config.headers(), origin);
      HttpResponse<Buffer> refused = preflight("/api/create-checkout", origin, "POST", "content-type");
      assertEquals(403, refused.statusCode(), origin);
      assertEquals(Problems.CONTENT_TYPE, refused.getHeader("Content-Type"));
      assertEquals(403, refused.bodyAsJsonObject().getInteger("status"));
      assertNoCors(refused.headers(), origin + " preflight");
    }
  }

  @Test
  void noOriginNoCors() {
    HttpResponse<Buffer> config = get("/api/config", null);
    assertEquals(200, config.statusCode());
    assertNoCors(config.headers(), "a request without Origin");
    assertVaryOrigin(config.headers(), "a request without Origin");
    // Pages are not the API.
    assertNoCors(get("/en/tool/veo3", SHOP).headers(), "a page");
  }

  @Test
  void streamsToo() {
    String sessionId = genpay.order(1, "A lantern on a pier, streamed to the shop");
    SseClient allowed = await(SseClient.open(client, genpay.port, "/api/events/session/" + sessionId, null,
        Map.of("Origin", SHOP)));
    SseClient refused = await(SseClient.open(client, genpay.port, "/api/events/session/" + sessionId, null,
        Map.of("Origin", STRANGER)));
    try {
      assertEquals(200, allowed.response.statusCode());
      assertTrue(allowed.response.getHeader("Content-Type").startsWith("text/event-stream"));
      assertEquals(SHOP, allowed.response.getHeader("Access-Control-Allow-Origin"));
      assertVaryOrigin(allowed.response.headers(), "stream");
      await(allowed.when(event -> sessionId.equals(event.data().getString("sessionId"))));
      assertEquals(200, refused.response.statusCode());
      assertNoCors(refused.response.headers(), "a stream for a stranger");
      assertEquals(204, preflight("/api/events/session/" + sessionId, SHOP, "GET", "last-event-id").statusCode());
    } finally {
      allowed.response.request().connection().close();
      refused.response.request().connection().close();
    }
  }

  @Test
  void withoutCorsOriginsTheApiAnswersNoCorsAtAll() throws Exception {
    try (TestEngine plain = TestEngine.start()) {
      HttpResponse<Buffer> config = await(plain.http.get("/api/config").putHeader("Origin", SHOP).send());
      assertEquals(200, config.statusCode());
      assertNoCors(config.headers(), "no CORS_ORIGINS");
      HttpResponse<Buffer> preflight = await(plain.http.request(HttpMethod.OPTIONS, "/api/create-checkout")
          .putHeader("Origin", SHOP).putHeader("Access-Control-Request-Method", "POST").send());
      assertNoCors(preflight.headers(), "a preflight with no CORS_ORIGINS");
    }
  }

  @Test
  void corsOriginsAreExactOrigins() {
    Settings settings = Settings.from(new JsonObject(), Map.of("CORS_ORIGINS", " HTTPS://Shop.Example:443 ,http://[::1]:8080,"));
    assertEquals(List.of("https://shop.example", "http://[::1]:8080"), settings.corsOrigins());
    assertEquals(settings.corsOrigins(), settings.withRedisUrl("redis://127.0.0.1:1").corsOrigins());
    assertEquals(List.of(), Settings.from(new JsonObject(), Map.of()).corsOrigins());
    for (String bad : List.of("*", "null", "https://shop.example/", "shop.example", "https://shop.example/path",
        "ftp://shop.example", "https://*.example")) {
      ConfigException e = assertThrows(ConfigException.class,
          () -> Settings.from(new JsonObject(), Map.of("CORS_ORIGINS", "https://ok.example," + bad)), bad);
      assertTrue(e.getMessage().startsWith("Bad configuration: CORS_ORIGINS must be"), e.getMessage());
    }
  }
}
