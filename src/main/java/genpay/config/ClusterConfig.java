package genpay.config;

import com.hazelcast.config.Config;
import com.hazelcast.config.FileSystemXmlConfig;

import java.io.FileNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads conf/cluster.xml (before Vert.x starts: blocking is fine) and applies CLUSTER_HOST to it. */
public final class ClusterConfig {

  private ClusterConfig() {
  }

  public static Config load(String file, String clusterHost) {
    if (!Files.isReadable(Path.of(file))) {
      throw new ConfigException("CLUSTER_CONFIG", "names no readable Hazelcast file: " + file);
    }
    Config config;
    try {
      config = new FileSystemXmlConfig(file);
    } catch (FileNotFoundException | RuntimeException e) {
      throw new ConfigException("CLUSTER_CONFIG", "is not a valid Hazelcast configuration: " + file);
    }
    if (!clusterHost.isEmpty()) {
      config.getNetworkConfig().getInterfaces().setEnabled(true).clear().addInterface(clusterHost);
      config.getNetworkConfig().setPublicAddress(clusterHost);
    }
    return config;
  }
}
