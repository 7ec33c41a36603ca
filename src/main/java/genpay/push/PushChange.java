package genpay.push;

import java.util.List;

/**
 * One change as this node's HTTP instances get it: its events already encoded, once per node. Immutable, so
 * every instance that holds its streams is handed the same object.
 *
 * @param frames the events to fan out, each to the streams of its id (an order's change: the session's and,
 *               for a file change, the file's, each only if someone on this node watches it)
 * @param committedAtMillis when the change was committed, for the latency meter; negative when unknown
 */
record PushChange(List<SseFrame> frames, long committedAtMillis) {
}
