package genpay.web;

import genpay.TestEngine;
import genpay.llm.GeminiClient;
import genpay.llm.OllamaClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static genpay.TestEngine.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TLS_CERT_FILE and TLS_KEY_FILE: HTTPS with h2 and HTTP/1.1 by ALPN, the engine's calls to itself trusting its
 * own self-signed certificate (and nothing else more), and plain h2c kept without them.
 */
class HttpsTest {

  private static TestEngine genpay;
  private static Map<String, String> cert;

  @BeforeAll
  static void start() throws Exception {
    cert = TestEngine.devCertificate();
    Map<String, String> env = new HashMap<>(cert);
    env.put("SANDBOX_GENERATION_SECONDS", "1");
    env.put("FOLLOW_FIRST_DELAY_MS", "200");
    env.put("FOLLOW_MAX_DELAY_MS", "400");
    genpay = TestEngine.start(env);
  }

  @AfterAll
  static void stop() {
    if (genpay != null) {
      genpay.close();
    }
  }

  private static HttpClientAgent client(Vertx vertx, HttpClientOptions options) {
    return vertx.createHttpClient(options.setDefaultHost("127.0.0.1"));
  }

  private static HttpClientResponse get(HttpClientAgent client, int port, String path) {
    return await(client.request(new RequestOptions().setMethod(HttpMethod.GET).setPort(port).setURI(path))
        .compose(request -> request.send().compose(response -> response.body().map(body -> response))));
  }

  @Test
  void httpsOffersH2AndHttp11ByAlpn() {
    Vertx vertx = genpay.engine.vertx();
    PemTrustOptions trust = new PemTrustOptions().addCertPath(cert.get("TLS_CERT_FILE"));
    HttpClientAgent h2 = client(vertx, new HttpClientOptions().setSsl(true).setUseAlpn(true).setTrustOptions(trust)
        .setProtocolVersion(HttpVersion.HTTP_2));
    HttpClientAgent h1 = client(vertx, new HttpClientOptions().setSsl(true).setUseAlpn(true).setTrustOptions(trust)
        .setProtocolVersion(HttpVersion.HTTP_1_1));
    try {
      HttpClientResponse overH2 = get(h2, genpay.port, "/health");
      assertEquals(200, overH2.statusCode());
      assertEquals(HttpVersion.HTTP_2, overH2.version(), "ALPN chose h2");
      HttpClientResponse overH1 = get(h1, genpay.port, "/health");
      assertEquals(200, overH1.statusCode());
      assertEquals(HttpVersion.HTTP_1_1, overH1.version(), "a client offering only http/1.1 still gets an answer");
      assertEquals("https://127.0.0.1:" + genpay.port, genpay.settings().loopbackUrl());
    } finally {
      h2.close();
      h1.close();
    }
  }

  @Test
  void plainHttpKeepsServingH2cByPriorKnowledgeAndByUpgrade() throws Exception {
    try (TestEngine plain = TestEngine.start(Map.of("GENERATION_WORKER", "false"))) {
      Vertx vertx = plain.engine.vertx();
      HttpClientAgent priorKnowledge = client(vertx, new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
          .setHttp2ClearTextUpgrade(false));
      HttpClientAgent upgrade = client(vertx, new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
          .setHttp2ClearTextUpgrade(true));
      HttpClientAgent http11 = client(vertx, new HttpClientOptions());
      try {
        assertEquals(HttpVersion.HTTP_2, get(priorKnowledge, plain.port, "/health").version());
        assertEquals(HttpVersion.HTTP_2, get(upgrade, plain.port, "/health").version());
        assertEquals(HttpVersion.HTTP_1_1, get(http11, plain.port, "/health").version());
      } finally {
        priorKnowledge.close();
        upgrade.close();
        http11.close();
      }
    }
  }

  @Test
  void aCardOrderIsPaidAndMadeThroughTheSandboxesOverHttps() {
    // stripe-java reaches the Stripe sandbox, its webhooks reach APP_URL, the worker reaches the provider
    // sandbox: each over HTTPS to the engine itself, with its self-signed certificate.
    String sessionId = genpay.order(2, "A heron fishing at dawn");
    Future<JsonObject> completed = genpay.reaches(sessionId, "completed");
    assertEquals(303, genpay.clickOnCheckoutPage(sessionId, "paid").statusCode());
    JsonObject session = await(completed);
    assertEquals(2, session.getJsonArray("files").size());
    String url = session.getJsonArray("files").getJsonObject(0).getString("url");
    assertTrue(url.startsWith("https://127.0.0.1:" + genpay.port + "/"), url);
  }

  @Test
  void theLlmClientsReachTheirSandboxesOverHttps() {
    var settings = genpay.settings();
    String prompt = "Describe this page in one line.\nURL: http://127.0.0.1/a\nTitle: Pricing\nContent:\nFive euros.";
    GeminiClient gemini = new GeminiClient(genpay.engine.vertx(), settings.effectiveGeminiUrl(),
        settings.effectiveGeminiKey(), "gemini-2.5-flash", 5_000, settings.selfTrust());
    OllamaClient ollama = new OllamaClient(genpay.engine.vertx(), settings.effectiveOllamaUrl(), "llama3.2", 5_000,
        settings.selfTrust());
    assertTrue(settings.effectiveGeminiUrl().startsWith("https://127.0.0.1:"), settings.effectiveGeminiUrl());
    assertTrue(await(gemini.ask(prompt)).startsWith("A sandbox summary of Pricing"));
    assertTrue(await(ollama.ask(prompt)).startsWith("A sandbox summary of Pricing"));
  }

  @Test
  void trustingItsOwnCertificateIsNotTrustingAnyOther() throws Exception {
    // Another self-signed certificate for the same names: the engine's clients must refuse it.
    Map<String, String> other = TestEngine.devCertificate();
    Vertx vertx = genpay.engine.vertx();
    HttpServer stranger = await(vertx.createHttpServer(new HttpServerOptions().setSsl(true).setHost("127.0.0.1")
            .setKeyCertOptions(new PemKeyCertOptions().setCertPath(other.get("TLS_CERT_FILE"))
                .setKeyPath(other.get("TLS_KEY_FILE"))))
        .requestHandler(request -> request.response().end("impostor")).listen(0));
    WebClient selfTrusting = WebClient.create(vertx, (WebClientOptions) new WebClientOptions()
        .setTrustOptions(genpay.settings().selfTrust()));
    try {
      assertEquals(200, await(selfTrusting.getAbs(genpay.settings().loopbackUrl() + "/health").send()).statusCode());
      Throwable refused = assertThrows(IllegalStateException.class,
          () -> await(selfTrusting.getAbs("https://127.0.0.1:" + stranger.actualPort() + "/").send()));
      assertTrue(String.valueOf(refused.getCause()).contains("SSLHandshakeException")
          || String.valueOf(refused.getCause().getCause()).contains("SSLHandshakeException"), refused.toString());
    } finally {
      selfTrusting.close();
      await(stranger.close());
    }
  }

  @Test
  void theEngineNoLongerAnswersPlainHttpOnItsPort() {
    HttpClientAgent plain = client(genpay.engine.vertx(), new HttpClientOptions());
    try {
      assertThrows(IllegalStateException.class, () -> get(plain, genpay.port, "/health"));
    } finally {
      plain.close();
    }
  }
}
