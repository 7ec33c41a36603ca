package genpay.sites;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The guarded fetcher against {@link TestSite} on loopback. {@code site.test} stands for a public site: a resolver
 * maps it to 127.0.0.1 and the policy trusts that one name, while every other address meets the real check. No
 * other name is ever looked up, and nothing leaves loopback.
 */
class GuardedFetcherTest {

  private static final String NAME = "site.test";
  private static Vertx vertx;
  private static TestSite site;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    site = TestSite.start(vertx, 10);
  }

  @AfterAll
  static void stop() {
    site.close();
    await(vertx.close());
  }

  private static HostResolver loopbackNames() {
    return host -> host.equals(NAME) ? Future.succeededFuture(List.of(InetAddress.getLoopbackAddress()))
        : Future.failedFuture("no lookups outside the test: " + host);
  }

  /** As if site.test were public; any other host is judged by {@link AddressCheck}. */
  private static GuardedFetcher publicSiteFetcher() {
    return new GuardedFetcher(vertx, loopbackNames(),
        (host, address) -> host.equals(NAME) || AddressCheck.isPublic(address));
  }

  private String url(String path) {
    return "http://" + NAME + ":" + site.port() + path;
  }

  @Test
  void connectsToTheCheckedAddressAndKeepsTheNameAsHost() {
    try (GuardedFetcher fetcher = publicSiteFetcher()) {
      FetchedPage page = await(fetcher.get(url("/page/3"), FetchLimits.PAGE));
      assertEquals(200, page.status());
      assertTrue(page.body().toString().contains("<title>Page 3</title>"));
      assertTrue(page.contentType().startsWith("text/html"));
      assertTrue(site.hosts().contains(NAME + ":" + site.port()), site.hosts().toString());
    }
  }

  @Test
  void aNameThatResolvesToLoopbackIsRefusedBeforeAnyRequest() {
    int before = site.requests();
    try (GuardedFetcher fetcher = new GuardedFetcher(vertx, loopbackNames(), AddressPolicy.of(false))) {
      FetchException refused = failure(fetcher.get(url("/page/1"), FetchLimits.PAGE));
      assertTrue(refused.refused(), refused.getMessage());
      assertEquals(before, site.requests());
    }
  }

  @Test
  void aRedirectToLoopbackIsRefusedBeforeAnyRequestToIt() {
    try (GuardedFetcher fetcher = publicSiteFetcher()) {
      FetchException refused = failure(fetcher.get(url("/redirect"), FetchLimits.PAGE));
      assertTrue(refused.refused(), refused.getMessage());
      assertEquals(1, site.requests("/redirect"));
      assertEquals(0, site.requests("/loopback-target"));
    }
    // The same redirect is followed where private sites are allowed: the refusal above was the check's.
    try (GuardedFetcher open = new GuardedFetcher(vertx, loopbackNames(), AddressPolicy.of(true))) {
      FetchedPage page = await(open.get(url("/redirect"), FetchLimits.PAGE));
      assertEquals("http://127.0.0.1:" + site.port() + "/loopback-target", page.url());
      assertEquals(1, site.requests("/loopback-target"));
    }
  }

  @Test
  void urlsWithCredentialsOrOtherSchemesAreRefused() {
    try (GuardedFetcher fetcher = publicSiteFetcher()) {
      int before = site.requests();
      assertTrue(failure(fetcher.get("http://user:pw@" + NAME + ":" + site.port() + "/", FetchLimits.PAGE)).refused());
      assertTrue(failure(fetcher.get("file:///etc/passwd", FetchLimits.PAGE)).refused());
      assertTrue(failure(fetcher.get("http://127.0.0.1:" + site.port() + "/", FetchLimits.PAGE)).refused());
      assertTrue(failure(fetcher.get("http://[::1]:" + site.port() + "/", FetchLimits.PAGE)).refused());
      assertEquals(before, site.requests());
    }
  }

  @Test
  void atMostFiveRedirectsAreFollowed() {
    try (GuardedFetcher fetcher = publicSiteFetcher()) {
      FetchException failed = failure(fetcher.get(url("/loop/0"), FetchLimits.PAGE));
      assertFalse(failed.refused());
      assertTrue(failed.getMessage().contains("redirects"), failed.getMessage());
      assertEquals(1, site.requests("/loop/5"));
      assertEquals(0, site.requests("/loop/6"));
    }
  }

  @Test
  void theBodyLimitStopsAnEndlessBodyWhileItStreams() {
    try (GuardedFetcher fetcher = publicSiteFetcher()) {
      // The body never ends: only a limit counted as bytes arrive can end this fetch.
      FetchException tooLarge = failure(fetcher.get(url("/endless"),
          FetchLimits.text(Duration.ofSeconds(25), 256 * 1024)));
      assertTrue(tooLarge.getMessage().contains("larger than"), tooLarge.getMessage());
    }
  }

  @Test
  void onlyTextIsFetched() {
    try (GuardedFetcher fetcher = publicSiteFetcher()) {
      FetchException notText = failure(fetcher.get(url("/image.png"), FetchLimits.PAGE));
      assertTrue(notText.getMessage().contains("not text"), notText.getMessage());
      assertEquals(404, failure(fetcher.get(url("/page/999"), FetchLimits.PAGE)).status());
    }
  }

  @Test
  void aSiteThatNeverAnswersTimesOut() {
    try (GuardedFetcher fetcher = publicSiteFetcher()) {
      FetchException slow = failure(fetcher.get(url("/hang"), FetchLimits.text(Duration.ofMillis(300), 1024)));
      assertTrue(slow.getMessage().contains("within 300 ms"), slow.getMessage());
    }
  }

  static FetchException failure(Future<?> future) {
    ExecutionException thrown = assertThrows(ExecutionException.class,
        () -> future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS));
    return assertInstanceOf(FetchException.class, thrown.getCause());
  }

  static <T> T await(Future<T> future) {
    return await(future, 30);
  }

  static <T> T await(Future<T> future, long seconds) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
