package genpay.admin;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The admin hubs of one Vert.x instance (one per HTTP instance), found through its local shared data so the admin
 * verticle and the HTTP instances meet without being handed each other. {@link #watching} lets the verticle skip
 * encoding a change when no admin on this node watches.
 */
final class AdminHubs implements Shareable {

  private static final String MAP = "genpay.admin";
  private static final String KEY = "hubs";

  final AtomicInteger watching = new AtomicInteger();
  private final List<AdminHub> hubs = new CopyOnWriteArrayList<>();

  static AdminHubs of(Vertx vertx) {
    return (AdminHubs) vertx.sharedData().<String, Shareable>getLocalMap(MAP).computeIfAbsent(KEY, key -> new AdminHubs());
  }

  void add(AdminHub hub) {
    hubs.add(hub);
  }

  List<AdminHub> all() {
    return hubs;
  }
}
