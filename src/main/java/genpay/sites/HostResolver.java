package genpay.sites;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.net.InetAddress;
import java.util.List;

/** Every address a host name resolves to. Tests give their own, so that no name is ever looked up outside. */
@FunctionalInterface
public interface HostResolver {

  Future<List<InetAddress>> resolve(String host);

  /** The system resolver (hosts file, then DNS), which blocks: run on a worker thread, never an event loop. */
  static HostResolver system(Vertx vertx) {
    return host -> vertx.executeBlocking(() -> List.of(InetAddress.getAllByName(host)), false);
  }
}
