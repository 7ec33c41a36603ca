package genpay.generation;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The provider sandbox's large video: N MiB of bytes computed from their offset, written a chunk at a time as the
 * reader takes them (never the whole file in memory), with Range support like any file server. Its SHA-256 is
 * known without serving it ({@link #sha256(long)}), so a test can check a copy end to end.
 */
public final class GeneratedMedia {

  public static final String NAME = "generated.mp4";
  public static final int MAX_MB = 2048;
  private static final int CHUNK = 64 * 1024;
  /** The slow variant pauses this long after each MiB: about 5 MiB/s. */
  private static final long SLOW_PAUSE_MS = 200;
  /** Where a stalling file stops sending, the first time it is asked for. */
  static final long STALL_AT = 6L * 1024 * 1024;
  /** Files that stalled once already (on this node): the next request is served whole. */
  private static final java.util.Set<String> STALLED = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private static final Pattern RANGE = Pattern.compile("^bytes=(\\d+)-(\\d*)$");

  private GeneratedMedia() {
  }

  /** Fills {@code out[0, length)} with the file's bytes from {@code offset}. */
  public static void fill(long offset, byte[] out, int length) {
    for (int i = 0; i < length; i++) {
      long at = offset + i;
      out[i] = (byte) (at * 31 + (at >>> 13) + (at >>> 21));
    }
  }

  /** The SHA-256 (hex) of a generated file of {@code size} bytes. */
  public static String sha256(long size) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] chunk = new byte[CHUNK];
      for (long at = 0; at < size; at += CHUNK) {
        int length = (int) Math.min(CHUNK, size - at);
        fill(at, chunk, length);
        digest.update(chunk, 0, length);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Serves {@code ?mb=N} (with {@code slow=1} or {@code stall=1}, {@code file=id}); Range honoured. */
  public static void serve(RoutingContext ctx) {
    int mb;
    try {
      mb = Integer.parseInt(ctx.request().getParam("mb", "1"));
    } catch (NumberFormatException e) {
      ctx.response().setStatusCode(400).end();
      return;
    }
    if (mb < 1 || mb > MAX_MB) {
      ctx.response().setStatusCode(400).end();
      return;
    }
    boolean slow = "1".equals(ctx.request().getParam("slow"));
    boolean stall = "1".equals(ctx.request().getParam("stall")) && STALLED.add(ctx.request().getParam("file", ""));
    long size = mb * 1024L * 1024L;
    long from = 0;
    long to = size - 1;
    HttpServerResponse response = ctx.response().putHeader("Content-Type", "video/mp4")
        .putHeader("Accept-Ranges", "bytes");
    String range = ctx.request().getHeader("Range");
    if (range != null) {
      Matcher matched = RANGE.matcher(range.trim());
      if (!matched.matches() || Long.parseLong(matched.group(1)) >= size) {
        // With a body, as real servers answer: a reader must not take it for the file's bytes.
        response.setStatusCode(416).putHeader("Content-Range", "bytes */" + size)
            .putHeader("Content-Type", "text/plain").end("Requested Range Not Satisfiable");
        return;
      }
      from = Long.parseLong(matched.group(1));
      if (!matched.group(2).isEmpty()) {
        to = Math.min(to, Long.parseLong(matched.group(2)));
      }
      response.setStatusCode(206).putHeader("Content-Range", "bytes " + from + "-" + to + "/" + size);
    }
    response.putHeader("Content-Length", String.valueOf(to - from + 1));
    if (ctx.request().method() == io.vertx.core.http.HttpMethod.HEAD) {
      response.end();
      return;
    }
    // A stall sends up to STALL_AT and then nothing, the connection left open until the reader gives up.
    long end = stall && to + 1 > STALL_AT && from < STALL_AT ? STALL_AT : to + 1;
    write(ctx, response, from, end, slow, end < to + 1);
  }

  private static void write(RoutingContext ctx, HttpServerResponse response, long at, long end, boolean slow,
                            boolean hang) {
    while (at < end && !response.writeQueueFull()) {
      if (response.closed()) {
        return;
      }
      int length = (int) Math.min(CHUNK, end - at);
      byte[] chunk = new byte[length];
      fill(at, chunk, length);
      response.write(Buffer.buffer(chunk));
      long next = at + length;
      if (slow && next < end && next / (1024 * 1024) != at / (1024 * 1024)) {
        ctx.vertx().setTimer(SLOW_PAUSE_MS, id -> write(ctx, response, next, end, true, hang));
        return;
      }
      at = next;
    }
    if (at >= end) {
      if (!hang) {
        response.end();
      }
      return;
    }
    long resume = at;
    response.drainHandler(v -> write(ctx, response, resume, end, slow, hang));
  }
}
