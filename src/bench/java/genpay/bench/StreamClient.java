package genpay.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One of the client processes of the held-streams part (a process may open at most 20 000 files here, so 50 000
 * streams need several): opens its share of the streams from one loopback source address, then answers the
 * bench on stdin/stdout. Usage: {@code StreamClient SOURCE_ADDRESS SPEC_FILE genpay|nchan}, where each line of
 * the spec is "global-index port path".
 *
 * <p>Commands: {@code status} answers "status INITIAL CHANGED EXTRA CLOSED" (streams whose first snapshot came,
 * streams that got their change, changes beyond one per stream, streams the server closed); {@code report FILE}
 * writes "global-index arrival-nanos arrival-millis commit-millis" per changed stream and answers "reported".
 * End of stdin ends the process. For genpay the change is the snapshot with status "processing" and its commit
 * time is the snapshot's timestamp; for nchan every message is the change and commit-millis is -1.
 */
public final class StreamClient {

  private StreamClient() {
  }

  public static void main(String[] args) throws Exception {
    Locale.setDefault(Locale.ROOT);
    String source = args[0];
    List<String> spec = Files.readAllLines(Path.of(args[1]));
    boolean genpay = "genpay".equals(args[2]);
    int n = spec.size();
    int[] globals = new int[n];
    Map<Integer, List<Integer>> byPort = new LinkedHashMap<>();
    List<String> paths = new ArrayList<>(n);
    for (int k = 0; k < n; k++) {
      String[] fields = spec.get(k).split(" ");
      globals[k] = Integer.parseInt(fields[0]);
      byPort.computeIfAbsent(Integer.parseInt(fields[1]), port -> new ArrayList<>()).add(k);
      paths.add(fields[2]);
    }
    AtomicInteger initial = new AtomicInteger(genpay ? 0 : n);
    AtomicIntegerArray changes = new AtomicIntegerArray(n);
    AtomicInteger changed = new AtomicInteger();
    AtomicInteger extra = new AtomicInteger();
    AtomicLongArray arrivalNanos = new AtomicLongArray(n);
    AtomicLongArray arrivalMillis = new AtomicLongArray(n);
    AtomicLongArray commitMillis = new AtomicLongArray(n);
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    try (SseFleet fleet = new SseFleet(vertx, List.of(source))) {
      try {
        for (Map.Entry<Integer, List<Integer>> group : byPort.entrySet()) {
          List<Integer> locals = group.getValue();
          fleet.open(group.getKey(), locals.stream().map(paths::get).toList(), (stream, data, nanos, millis) -> {
            int k = locals.get(stream);
            long commit = -1;
            if (genpay) {
              JsonObject snapshot = new JsonObject(data);
              String status = snapshot.getString("status");
              if ("pending".equals(status)) {
                initial.incrementAndGet();
                return;
              }
              if (!"processing".equals(status)) {
                return;
              }
              commit = snapshot.getLong("timestamp");
            }
            if (changes.incrementAndGet(k) == 1) {
              arrivalNanos.set(k, nanos);
              arrivalMillis.set(k, millis);
              commitMillis.set(k, commit);
              changed.incrementAndGet();
            } else {
              extra.incrementAndGet();
            }
          }, 900);
        }
      } catch (Exception failed) {
        out.println("failed " + failed.getMessage());
        vertx.close().await();
        System.exit(1);
      }
      out.println("opened " + n);
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String command = in.readLine(); command != null; command = in.readLine()) {
        if (command.equals("status")) {
          out.println("status " + initial.get() + " " + changed.get() + " " + extra.get() + " "
              + fleet.closedEarly());
        } else if (command.startsWith("report ")) {
          StringBuilder lines = new StringBuilder();
          for (int k = 0; k < n; k++) {
            if (changes.get(k) > 0) {
              lines.append(globals[k]).append(' ').append(arrivalNanos.get(k)).append(' ')
                  .append(arrivalMillis.get(k)).append(' ').append(commitMillis.get(k)).append('\n');
            }
          }
          Files.writeString(Path.of(command.substring(7)), lines);
          out.println("reported");
        }
      }
    }
    vertx.close().await();
    System.exit(0);
  }
}
