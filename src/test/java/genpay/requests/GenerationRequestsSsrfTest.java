package genpay.requests;

import genpay.ProblemAssert;
import genpay.TestEngine;
import genpay.sites.TestSite;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static genpay.TestEngine.await;
import static genpay.requests.RequestTestSupport.submit;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The site guard end to end, with ALLOW_PRIVATE_SITES unset: every way of naming a loopback site through
 * POST /api/generation-requests is a 400 problem on "hostname", reaches no page of {@link TestSite} (served on
 * 127.0.0.1) and stores nothing. Both providers: a free request would be queued at once, a paid one priced.
 *
 * <p>A redirect to 127.0.0.1 is not here: from the API, a site is fetched over https on port 443 unless it is
 * {@code localhost:PORT}, which this setting refuses, so no loopback site can send the first answer without a
 * seam that would also bypass what is tested. It is shown where the seam is honest: GuardedFetcherTest (a trusted
 * name redirected to 127.0.0.1: refused before any request to it) and SitemapReaderTest (the calculation's reader
 * sent to 127.0.0.1 by robots.txt: refused).
 */
class GenerationRequestsSsrfTest {

  private static TestEngine genpay;
  private static TestSite site;

  @BeforeAll
  static void start() throws Exception {
    genpay = TestEngine.start(Map.of("SANDBOX_STRIPE_WEBHOOKS", "false"));
    assertFalse(genpay.settings().allowPrivateSites());
    site = TestSite.start(genpay.engine.vertx(), TestSite.PAGES);
  }

  @AfterAll
  static void stop() {
    site.close();
    genpay.close();
  }

  @Test
  void loopbackInEveryFormIsA400ProblemAndNoPageIsFetched() {
    int port = site.port();
    List<String> hostnames = List.of(
        "127.0.0.1", "127.0.0.1:" + port, "http://127.0.0.1:" + port + "/",
        "[::1]", "[::1]:" + port,
        "localhost:" + port, "http://localhost:" + port + "/",
        // A DNS name that resolves to loopback (the hosts file): admitted as a name, refused by the address check.
        "localhost",
        "user@localhost", "user@localhost:" + port, "user:secret@localhost:" + port);
    for (String provider : List.of("ollama", "gemini")) {
      for (String hostname : hostnames) {
        int before = site.requests();
        HttpResponse<Buffer> refused = submit(genpay, hostname, provider);
        ProblemAssert.assertProblem(refused, 400);
        assertEquals("hostname", refused.bodyAsJsonObject().getString("field"), hostname + ": " + refused.bodyAsString());
        assertEquals(before, site.requests(), hostname + ": no request reached the site");
      }
    }
    assertEquals(0, site.requests(), site.hosts().toString());
    assertEquals(0, await(genpay.redis.send(Request.cmd(Command.KEYS).arg("genreq:*"))).size(), "no request stored");
    assertEquals(0, await(genpay.redis.send(Request.cmd(Command.KEYS).arg("calculation:*"))).size(),
        "no calculation stored");
    assertEquals(0, RequestTestSupport.queued(genpay), "nothing queued");
  }

  @Test
  void theSitePageLookUpRefusesLoopbackToo() {
    int before = site.requests();
    for (String hostname : List.of("localhost:" + site.port(), "localhost", "127.0.0.1")) {
      ProblemAssert.assertProblem(await(genpay.http.get("/api/sites/" + hostname).send()), 400);
    }
    assertEquals(before, site.requests());
  }
}
