package genpay.config;

import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/** What /ready says of cluster membership. */
public interface ClusterStatus {

  ClusterStatus SINGLE_NODE = new ClusterStatus() {
    @Override
    public boolean ready() {
      return true;
    }

    @Override
    public JsonObject describe() {
      return new JsonObject().put("clustered", false);
    }
  };

  boolean ready();

  JsonObject describe();

  static ClusterStatus of(HazelcastClusterManager manager) {
    return new ClusterStatus() {
      @Override
      public boolean ready() {
        return manager.isActive();
      }

      @Override
      public JsonObject describe() {
        return new JsonObject().put("clustered", true).put("active", manager.isActive())
            .put("node", manager.getNodeId()).put("members", manager.getNodes().size());
      }
    };
  }
}
