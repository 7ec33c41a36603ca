package genpay.redis;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the embedded Redis on its own, for a local cluster when Debian's redis-server is not installed:
 * {@code java -cp genpay.jar genpay.redis.RedisMain PORT DATA_DIR}. Stops (flushing its AOF) on SIGTERM.
 */
public final class RedisMain {

  private RedisMain() {
  }

  public static void main(String[] args) throws InterruptedException {
    int port = Integer.parseInt(args[0]);
    EmbeddedRedis redis = EmbeddedRedis.start(Path.of(args[1]), port, "everysec");
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      redis.stop();
      stopped.countDown();
    }, "redis-shutdown"));
    System.out.println("redis ready on " + redis.url());
    stopped.await();
  }
}
