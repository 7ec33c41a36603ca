package genpay;

import genpay.config.ConfigLoader;
import genpay.config.Settings;

/** Entry point of the fat jar: read the configuration, start the engine, stop it cleanly on SIGTERM. */
public final class Main {

  private Main() {
  }

  public static void main(String[] args) {
    System.setProperty("vertx.logger-delegate-factory-class-name", "io.vertx.core.logging.SLF4JLogDelegateFactory");
    Settings settings = ConfigLoader.loadOrExit(System.getenv());
    Engine engine;
    try {
      engine = Engine.start(settings);
    } catch (Exception e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      System.err.println("genpay did not start: " + cause.getMessage());
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(engine::close, "genpay-shutdown"));
  }
}
