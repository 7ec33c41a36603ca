package genpay.bench;

import com.sun.tools.attach.VirtualMachine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A CPU profile of the engine over one measured phase, taken with async-profiler (Maven Central's
 * tools.profiler:async-profiler, its Linux library loaded into the engine through the JDK's attach API), in
 * itimer mode, which needs no perf_events. Samples are summed by the part of the engine on the stack, and by
 * the frame on top (Java, JVM or native).
 */
final class Profile {

  private final VirtualMachine engine;
  private final String library;

  private Profile(VirtualMachine engine, String library) {
    this.engine = engine;
    this.library = library;
  }

  /** {@code library}: libasyncProfiler.so, which scripts/bench unpacks when asked to --profile. */
  static Profile start(EngineProcess process, Path library) throws Exception {
    Profile profile = new Profile(VirtualMachine.attach(String.valueOf(process.pid())), library.toString());
    profile.engine.loadAgentPath(profile.library, "start,event=itimer,interval=1ms");
    return profile;
  }

  String stop(Path file, int top) throws Exception {
    engine.loadAgentPath(library, "stop,collapsed,file=" + file);
    engine.detach();
    Map<String, Long> byPart = new HashMap<>();
    Map<String, Long> byTopFrame = new HashMap<>();
    long samples = 0;
    for (String line : Files.readAllLines(file)) {
      int space = line.lastIndexOf(' ');
      if (space < 0) {
        continue;
      }
      long count = Long.parseLong(line.substring(space + 1));
      String[] frames = line.substring(0, space).split(";");
      samples += count;
      String part = part(frames);
      byPart.merge(part, count, Long::sum);
      if (!part.startsWith("JIT") && !part.startsWith("GC")) {
        byTopFrame.merge(frames[frames.length - 1], count, Long::sum);
      }
    }
    long total = Math.max(1, samples);
    return "CPU profile of the engine (async-profiler, itimer, 1 ms; " + samples + " samples; " + file + ")\n"
        + "  by the innermost genpay class on the stack (else the library):\n" + table(byPart, total, 14)
        + "  by the frame on top (JIT compiler and GC threads left out; a libc call such as write is a syscall):\n"
        + table(byTopFrame, total, top);
  }

  private static String part(String[] frames) {
    for (int i = frames.length - 1; i >= 0; i--) {
      if (frames[i].startsWith("genpay/")) {
        String type = frames[i].substring(0, frames[i].lastIndexOf('.'));
        return type.replace('/', '.').replaceAll("\\$.*", "");
      }
    }
    for (int i = frames.length - 1; i >= 0; i--) {
      for (String library : new String[] {"io/vertx/", "io/netty/", "com/stripe/", "com/fasterxml/"}) {
        if (frames[i].startsWith(library)) {
          String[] parts = frames[i].split("/");
          return parts[0] + "." + parts[1] + "." + parts[2] + " (no genpay frame)";
        }
      }
    }
    String stack = String.join(";", frames);
    if (stack.contains("CompileBroker::")) {
      return "JIT compiler threads";
    }
    if (stack.contains("GangWorker") || stack.contains("G1") || stack.contains("GC")) {
      return "GC threads";
    }
    return "JVM and other native (" + (frames.length > 3 ? frames[3] : frames[frames.length - 1]) + ")";
  }

  private static String table(Map<String, Long> counts, long total, int limit) {
    return counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(limit)
        .map(entry -> String.format("    %5.1f %%  %s%n", entry.getValue() * 100.0 / total, entry.getKey()))
        .collect(Collectors.joining());
  }
}
