package genpay.bench;

import java.util.HashMap;
import java.util.Map;

/** Reads the Prometheus text format: enough for sums of samples and a breakdown by one label. */
final class Prometheus {

  private Prometheus() {
  }

  static double sum(String text, String name, String... labelFragments) {
    double total = 0;
    for (String line : text.split("\n")) {
      if (matches(line, name, labelFragments)) {
        total += value(line);
      }
    }
    return total;
  }

  /** Sample values of {@code name} summed by the values of the given labels, joined by a space. */
  static Map<String, Double> byLabels(String text, String name, String... labels) {
    Map<String, Double> sums = new HashMap<>();
    for (String line : text.split("\n")) {
      if (matches(line, name)) {
        StringBuilder key = new StringBuilder();
        for (String label : labels) {
          int start = line.indexOf(label + "=\"");
          String value = start < 0 ? "" : line.substring(start + label.length() + 2,
              line.indexOf('"', start + label.length() + 2));
          key.append(key.length() == 0 ? "" : " ").append(value);
        }
        sums.merge(key.toString(), value(line), Double::sum);
      }
    }
    return sums;
  }

  private static boolean matches(String line, String name, String... labelFragments) {
    if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) {
      return false;
    }
    for (String fragment : labelFragments) {
      if (!line.contains(fragment)) {
        return false;
      }
    }
    return true;
  }

  private static double value(String line) {
    return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
  }
}
