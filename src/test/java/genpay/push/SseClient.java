package genpay.push;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/** A raw server-sent events reader over Vert.x's HTTP client: parses id/event/data and keeps every event. */
public final class SseClient {

  public record Event(long id, String type, JsonObject data) {
  }

  public final List<Event> events = new CopyOnWriteArrayList<>();
  final List<String> comments = new CopyOnWriteArrayList<>();
  /** When the first comment line (a keep-alive) arrived, in System.nanoTime(). */
  final Promise<Long> firstComment = Promise.promise();
  final Promise<Void> ended = Promise.promise();
  public HttpClientResponse response;
  String retry;
  private final List<Watcher> watchers = new ArrayList<>();
  private final StringBuilder pending = new StringBuilder();

  private record Watcher(Predicate<Event> test, Promise<Event> promise) {
  }

  static Future<SseClient> open(HttpClient client, int port, String path, String lastEventId) {
    return open(client, port, path, lastEventId, Map.of());
  }

  /** With more request headers, e.g. a session cookie. */
  public static Future<SseClient> open(HttpClient client, int port, String path, String lastEventId,
                                       Map<String, String> headers) {
    SseClient sse = new SseClient();
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port)
        .setURI(path).putHeader("Accept", "text/event-stream");
    headers.forEach(options::putHeader);
    if (lastEventId != null) {
      options.putHeader("Last-Event-ID", lastEventId);
    }
    return client.request(options).compose(request -> {
      // The handlers go on in the head's own callback, registered before the request is sent: set from a
      // callback chained later (it may run after the head, on the next turn), the first bytes can be dropped.
      Future<SseClient> opened = request.response().map(response -> {
        sse.response = response;
        response.handler(buffer -> sse.feed(buffer.toString()));
        response.endHandler(v -> sse.ended.tryComplete());
        response.exceptionHandler(e -> sse.ended.tryComplete());
        return sse;
      });
      request.end();
      return opened;
    });
  }

  /** Completes with the first event (already received or still to come) that passes {@code test}. */
  public synchronized Future<Event> when(Predicate<Event> test) {
    for (Event event : events) {
      if (test.test(event)) {
        return Future.succeededFuture(event);
      }
    }
    Promise<Event> promise = Promise.promise();
    watchers.add(new Watcher(test, promise));
    return promise.future();
  }

  private synchronized void feed(String text) {
    pending.append(text);
    int end;
    while ((end = pending.indexOf("\n\n")) >= 0) {
      String block = pending.substring(0, end);
      pending.delete(0, end + 2);
      long id = -1;
      String type = null;
      String data = null;
      for (String line : block.split("\n")) {
        if (line.startsWith(":")) {
          comments.add(line);
          firstComment.tryComplete(System.nanoTime());
        } else if (line.startsWith("retry: ")) {
          retry = line.substring(7);
        } else if (line.startsWith("id: ")) {
          id = Long.parseLong(line.substring(4));
        } else if (line.startsWith("event: ")) {
          type = line.substring(7);
        } else if (line.startsWith("data: ")) {
          data = line.substring(6);
        }
      }
      if (data != null) {
        Event event = new Event(id, type, new JsonObject(data));
        events.add(event);
        for (Watcher watcher : List.copyOf(watchers)) {
          if (watcher.test().test(event)) {
            watchers.remove(watcher);
            watcher.promise().tryComplete(event);
          }
        }
      }
    }
  }
}
