package genpay.config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** REDIS_MODE: one Redis (or a Redis with replicas behind one address), or a Redis Cluster reached by seed nodes. */
public enum RedisMode {
  STANDALONE,
  CLUSTER;

  public static RedisMode parse(String raw) {
    return switch (raw.toLowerCase(Locale.ROOT)) {
      case "", "standalone" -> STANDALONE;
      case "cluster" -> CLUSTER;
      default -> throw new ConfigException("REDIS_MODE", "must be standalone or cluster (got \"" + raw + "\")");
    };
  }

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** REDIS_URL checked for this mode: one address when standalone, a comma-separated seed list for a cluster. */
  String validUrl(String url) {
    if (url.isEmpty()) {
      if (this == CLUSTER) {
        throw new ConfigException("REDIS_URL", "is required with REDIS_MODE=cluster: the embedded Redis is no cluster");
      }
      return url;
    }
    List<String> nodes = seeds(url);
    if (this == STANDALONE && nodes.size() > 1) {
      throw new ConfigException("REDIS_URL", "names several nodes: set REDIS_MODE=cluster, or give one redis://host:port");
    }
    for (String node : nodes) {
      if (!node.matches("^rediss?://[^,\\s]+")) {
        throw new ConfigException("REDIS_URL", this == CLUSTER
            ? "must be a comma-separated list of redis://host:port seed nodes"
            : "must look like redis://host:port");
      }
    }
    return String.join(",", nodes);
  }

  /** The addresses in REDIS_URL, in order. */
  public static List<String> seeds(String url) {
    return Arrays.stream(url.split(",")).map(String::trim).filter(node -> !node.isEmpty()).toList();
  }
}
