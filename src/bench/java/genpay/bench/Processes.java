package genpay.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Memory of running processes, read from /proc, and the JDK's own tools. */
final class Processes {

  private Processes() {
  }

  /** Proportional set size in bytes: shared pages split between the processes that map them, so sums are fair. */
  static long pss(List<Long> pids) {
    long total = 0;
    for (long pid : pids) {
      total += kilobytes(Path.of("/proc", String.valueOf(pid), "smaps_rollup"), "Pss:") * 1024;
    }
    return total;
  }

  /** User plus system CPU time the processes have used so far, in seconds. */
  static double cpuSeconds(List<Long> pids) {
    double[] times = cpuTimes(pids);
    return times[0] + times[1];
  }

  /** {user, system} CPU seconds the processes have used so far. */
  static double[] cpuTimes(List<Long> pids) {
    double[] seconds = new double[2];
    for (long pid : pids) {
      try {
        String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        seconds[0] += Long.parseLong(fields[11]) / 100.0; // utime, in USER_HZ ticks
        seconds[1] += Long.parseLong(fields[12]) / 100.0; // stime
      } catch (IOException e) {
        throw new IllegalStateException("cannot read the CPU time of " + pid, e);
      }
    }
    return seconds;
  }

  /** The direct children of a process (the engine's embedded Redis, nginx's workers), whichever thread forked. */
  static List<Long> children(long pid) {
    List<Long> children = new java.util.ArrayList<>();
    try (var tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
      for (Path task : tasks.toList()) {
        Path file = task.resolve("children");
        String text = Files.exists(file) ? Files.readString(file).trim() : "";
        if (!text.isEmpty()) {
          java.util.Arrays.stream(text.split("\\s+")).map(Long::parseLong).forEach(children::add);
        }
      }
      return children;
    } catch (IOException e) {
      throw new IllegalStateException("cannot list the children of " + pid, e);
    }
  }

  /** The hard RLIMIT_NOFILE of this process (its children inherit it): no process here may open more files. */
  static long hardFileLimit() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
        if (line.startsWith("Max open files")) {
          String hard = line.substring("Max open files".length()).trim().split("\\s+")[1];
          return "unlimited".equals(hard) ? Long.MAX_VALUE : Long.parseLong(hard);
        }
      }
      throw new IllegalStateException("no Max open files in /proc/self/limits");
    } catch (IOException e) {
      throw new IllegalStateException("cannot read /proc/self/limits", e);
    }
  }

  /** How many files (sockets included) the process has open now. */
  static int openFiles(long pid) {
    try (var files = Files.list(Path.of("/proc", String.valueOf(pid), "fd"))) {
      return (int) files.count();
    } catch (IOException e) {
      throw new IllegalStateException("cannot list the files of " + pid, e);
    }
  }

  static long rss(long pid) {
    return kilobytes(Path.of("/proc", String.valueOf(pid), "status"), "VmRSS:") * 1024;
  }

  private static long kilobytes(Path file, String field) {
    try {
      for (String line : Files.readAllLines(file)) {
        if (line.startsWith(field)) {
          return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
        }
      }
      throw new IllegalStateException(field + " not in " + file);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + file, e);
    }
  }

  /** Runs a command to its end (bounded) and returns what it printed; fails on a non-zero exit. */
  static String run(long timeoutSeconds, String... command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes());
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + ": no end within " + timeoutSeconds + " s");
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " exited " + process.exitValue() + ": " + output);
      }
      return output;
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + command[0], e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
