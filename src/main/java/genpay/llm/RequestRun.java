package genpay.llm;

import genpay.generation.Backoff;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Turns one queued request into its llms.txt: reads each page (at most {@code pageConcurrency} at once), asks
 * the provider for one line about it, keeps each finished entry in Redis at once (a claimer resumes from there),
 * pushes progress, and ends the request completed, or failed when the provider keeps failing. The returned
 * future fails only when the request could not be moved on (Redis trouble, the worker stopping): its job then
 * stays in the queue for a retry.
 */
public final class RequestRun {

  private static final Logger LOG = LoggerFactory.getLogger(RequestRun.class);
  static final int FETCH_ATTEMPTS = 3;
  static final int ASK_ATTEMPTS = 4;

  private final Vertx vertx;
  private final RequestStore store;
  private final PageSource pages;
  private final Map<String, LlmClient> clients;
  private final int concurrency;
  private final Backoff backoff;
  private final Consumer<JsonObject> publish;
  private final BooleanSupplier running;
  private final Random random = new Random();

  public RequestRun(Vertx vertx, RequestStore store, PageSource pages, Map<String, LlmClient> clients,
                    int concurrency, Backoff backoff, Consumer<JsonObject> publish, BooleanSupplier running) {
    this.vertx = vertx;
    this.store = store;
    this.pages = pages;
    this.clients = clients;
    this.concurrency = concurrency;
    this.backoff = backoff;
    this.publish = publish;
    this.running = running;
  }

  /** Completes once the request ended, or had nothing for this worker to do (unknown, not queued, already ended). */
  public Future<Void> run(String id) {
    return store.read(id).compose(request -> {
      String status = request.get("status");
      if (!"queued".equals(status) && !"processing".equals(status)) {
        LOG.info("request {}: nothing to do ({})", id, status == null ? "unknown" : status);
        return Future.succeededFuture();
      }
      LlmClient llm = clients.get(request.get("provider"));
      if (llm == null) {
        return fail(request, "The provider " + request.get("provider") + " is not available on this server.");
      }
      return store.urls(request.get("hostname")).compose(urls -> {
        if (urls.isEmpty()) {
          return fail(request, "The site's list of pages is no longer known; please ask for the site again.");
        }
        return store.start(id, urls.size()).compose(started -> {
          publishIf(started);
          if (!"started".equals(started.outcome()) && !"resumed".equals(started.outcome())) {
            return Future.succeededFuture();
          }
          return store.lines(id).compose(lines -> {
            LOG.info("request {}: {} of {} pages with {} ({} already done)", id, started.outcome(), urls.size(),
                request.get("provider"), lines.size() - (lines.containsKey(RequestStore.SITE_TITLE_FIELD) ? 1 : 0));
            return new Pages(started.request(), urls, lines, llm).run();
          });
        });
      });
    });
  }

  private Future<Void> fail(Map<String, String> request, String reason) {
    return store.fail(request, reason).map(outcome -> {
      publishIf(outcome);
      if (outcome.changed()) {
        LOG.warn("request {}: failed: {}{}", request.get("id"), reason,
            "owed".equals(outcome.request().get("refund")) ? " (refund owed)" : "");
      }
      return null;
    });
  }

  private void publishIf(RequestStore.Outcome outcome) {
    if (outcome.changed()) {
      publish.accept(genpay.requests.RequestSnapshot.of(outcome.request()));
    }
  }

  /** The pages of one request: a few chains, each taking the next page not done until none is left. */
  private final class Pages {

    private final Map<String, String> request;
    private final String id;
    private final List<String> urls;
    private final Map<String, String> entries;
    private final LlmClient llm;
    private final Iterator<String> todo;
    private final ProgressThrottle throttle;
    private final Promise<Void> finished = Promise.promise();
    private int done;
    private int active;
    /**
     * Progress writes one after another: on a pooled client two scripts may answer out of order, and a version
     * published after a newer one would move a page's progress backwards. The end waits for the last one.
     */
    private Future<Void> progressWrites = Future.succeededFuture();
    private Throwable failure;

    Pages(Map<String, String> request, List<String> urls, Map<String, String> entries, LlmClient llm) {
      this.request = request;
      this.id = request.get("id");
      this.urls = urls;
      this.entries = entries;
      this.llm = llm;
      List<String> left = new ArrayList<>();
      for (String url : urls) {
        if (entries.containsKey(url)) {
          done++;
        } else {
          left.add(url);
        }
      }
      this.todo = left.iterator();
      this.throttle = new ProgressThrottle(urls.size(), done, System.currentTimeMillis());
    }

    Future<Void> run() {
      siteTitle().onComplete(titled -> {
        if (titled.failed()) {
          failure = titled.cause();
          end();
          return;
        }
        active = concurrency;
        for (int i = 0; i < concurrency; i++) {
          next();
        }
      });
      return finished.future();
    }

    /** The home page's title, else the hostname; kept with the entries so a claimer does not read it again. */
    private Future<String> siteTitle() {
      String known = entries.get(RequestStore.SITE_TITLE_FIELD);
      if (known != null) {
        return Future.succeededFuture(known);
      }
      String hostname = request.get("hostname");
      String home = home(urls.get(0));
      Future<String> title = home == null ? Future.succeededFuture(hostname)
          : fetch(home, 1).map(page -> {
            String found = page != null && page.status() / 100 == 2 ? PageText.title(page.body()) : "";
            return found.isEmpty() ? hostname : found;
          });
      return title.compose(found -> store.saveLine(id, RequestStore.SITE_TITLE_FIELD, found).map(found))
          .onSuccess(found -> entries.put(RequestStore.SITE_TITLE_FIELD, found));
    }

    private void next() {
      if (failure != null || !todo.hasNext()) {
        chainEnded();
        return;
      }
      if (!running.getAsBoolean()) {
        failure = new IllegalStateException("the worker stopped");
        chainEnded();
        return;
      }
      String url = todo.next();
      page(url).compose(entry -> store.saveLine(id, url, entry).map(entry))
          .onSuccess(entry -> {
            entries.put(url, entry);
            done++;
            if (throttle.due(done, System.currentTimeMillis())) {
              int now = done;
              progressWrites = progressWrites.transform(previous -> store.progress(id, now, urls.size())
                  .onSuccess(RequestRun.this::publishIf).<Void>mapEmpty().otherwiseEmpty());
            }
            next();
          })
          .onFailure(cause -> {
            if (failure == null) {
              failure = cause;
            }
            chainEnded();
          });
    }

    private void chainEnded() {
      if (--active == 0) {
        end();
      }
    }

    /** Every chain has stopped, so no entry is written after the request ends. */
    private void end() {
      progressWrites.onComplete(written -> settle());
    }

    private void settle() {
      if (failure instanceof LlmException provider) {
        String reason = provider.retryable()
            ? "The " + request.get("provider") + " provider kept failing (" + provider.getMessage() + ")."
            : "The " + request.get("provider") + " provider refused the request (" + provider.getMessage() + ").";
        fail(request, reason).onComplete(finished);
        return;
      }
      if (failure != null) {
        finished.fail(failure);
        return;
      }
      String document = LlmsDocument.render(entries.get(RequestStore.SITE_TITLE_FIELD), urls, entries);
      store.complete(request, document, urls.size()).onSuccess(outcome -> {
        publishIf(outcome);
        if (outcome.changed()) {
          LOG.info("request {}: completed ({} pages)", id, urls.size());
        }
      }).<Void>mapEmpty().onComplete(finished);
    }

    /** The page's entry; a page that cannot be read gets a line saying so, the provider is not asked. */
    private Future<String> page(String url) {
      return fetch(url, 1).compose(page -> {
        if (page == null || page.status() / 100 != 2) {
          return Future.succeededFuture(LlmsDocument.entry(url, "", LlmsDocument.UNREADABLE));
        }
        String title = PageText.title(page.body());
        String prompt = LlmsDocument.prompt(url, title, PageText.text(page.body(), LlmsDocument.MAX_PAGE_TEXT));
        return ask(prompt, 1).map(answer -> LlmsDocument.entry(url, title, LlmsDocument.line(answer)));
      });
    }

    /** The page, or null when it could not be read after the retries (4xx pages are not retried). */
    private Future<PageSource.Page> fetch(String url, int attempt) {
      return pages.fetch(url).transform(fetched -> {
        boolean worthRetry = fetched.failed() || fetched.result().status() >= 500 || fetched.result().status() == 429;
        if (!worthRetry) {
          return Future.succeededFuture(fetched.result());
        }
        if (attempt >= FETCH_ATTEMPTS || !running.getAsBoolean()) {
          return Future.succeededFuture(fetched.succeeded() ? fetched.result() : null);
        }
        return later(backoff.delayMs(attempt, random)).compose(v -> fetch(url, attempt + 1));
      });
    }

    private Future<String> ask(String prompt, int attempt) {
      return llm.ask(prompt).recover(cause -> {
        if (!(cause instanceof LlmException failed) || !failed.retryable() || attempt >= ASK_ATTEMPTS
            || !running.getAsBoolean()) {
          return Future.failedFuture(cause);
        }
        long delay = failed.retryAfterMs() >= 0 ? Math.min(backoff.capMs(), failed.retryAfterMs())
            : backoff.delayMs(attempt, random);
        return later(delay).compose(v -> ask(prompt, attempt + 1));
      });
    }
  }

  private Future<Void> later(long delayMs) {
    Promise<Void> waited = Promise.promise();
    vertx.setTimer(Math.max(1, delayMs), id -> waited.complete());
    return waited.future();
  }

  /** The site's home page, from the origin of its first URL. */
  static String home(String firstUrl) {
    try {
      URI uri = URI.create(firstUrl);
      if (uri.getScheme() == null || uri.getRawAuthority() == null) {
        return null;
      }
      return uri.getScheme() + "://" + uri.getRawAuthority() + "/";
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
