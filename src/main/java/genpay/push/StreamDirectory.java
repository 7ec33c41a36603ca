package genpay.push;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which HTTP instances of this node hold streams of which session, file or request: the push verticle encodes a
 * change only if someone here watches it, and wakes only the event loops that hold its streams. Each hub writes
 * its own entries from its loop; the push verticle reads them from its own.
 */
final class StreamDirectory {

  private static final List<StreamHub> NONE = List.of();

  private final Map<String, List<StreamHub>> sessions = new ConcurrentHashMap<>();
  private final Map<String, List<StreamHub>> files = new ConcurrentHashMap<>();
  private final Map<String, List<StreamHub>> requests = new ConcurrentHashMap<>();
  /** The prompt of each watched order, from its first snapshot here: it never changes, and changes leave it out. */
  private final Map<String, String> prompts = new ConcurrentHashMap<>();

  /** The hubs holding streams of this id; an unmodifiable list, never null. */
  List<StreamHub> hubs(String type, String id) {
    return id == null ? NONE : map(type).getOrDefault(id, NONE);
  }

  /** {@code hub} holds its first stream of this id. */
  void add(String type, String id, StreamHub hub) {
    map(type).compute(id, (key, hubs) -> {
      List<StreamHub> more = new ArrayList<>(hubs == null ? NONE : hubs);
      more.add(hub);
      return List.copyOf(more);
    });
  }

  /** {@code hub}'s last stream of this id has gone. */
  void remove(String type, String id, StreamHub hub) {
    List<StreamHub> left = map(type).computeIfPresent(id, (key, hubs) -> {
      List<StreamHub> fewer = new ArrayList<>(hubs);
      fewer.remove(hub);
      return fewer.isEmpty() ? null : List.copyOf(fewer);
    });
    if (left == null && SseEvents.SESSION_EVENT.equals(type)) {
      prompts.remove(id);
    }
  }

  void rememberPrompt(String sessionId, String prompt) {
    if (prompt != null && sessions.containsKey(sessionId)) {
      prompts.put(sessionId, prompt);
    }
  }

  /** The order's prompt, or null when no snapshot of it has been read here yet. */
  String prompt(String sessionId) {
    return prompts.get(sessionId);
  }

  private Map<String, List<StreamHub>> map(String type) {
    return switch (type) {
      case SseEvents.SESSION_EVENT -> sessions;
      case SseEvents.REQUEST_EVENT -> requests;
      default -> files;
    };
  }
}
