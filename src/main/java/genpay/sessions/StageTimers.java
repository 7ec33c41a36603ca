package genpay.sessions;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.concurrent.TimeUnit;

/** The per-stage times of DESIGN.md section 10, shared by the verticles that see each stage end. */
public final class StageTimers {

  private final Timer orderToPayment;
  private final Timer paymentToGenerationStart;
  private final Timer generation;
  private final Timer paymentToAllDone;

  public StageTimers(MeterRegistry registry) {
    orderToPayment = timer(registry, "order_to_payment", "From the order stored to its payment applied");
    paymentToGenerationStart = timer(registry, "payment_to_generation_start",
        "From the payment applied to a file's generation started at the provider");
    generation = timer(registry, "generation", "From a file started at the provider to its end");
    paymentToAllDone = timer(registry, "payment_to_all_done", "From the payment applied to the order's last file done");
  }

  private static Timer timer(MeterRegistry registry, String stage, String description) {
    return Timer.builder("genpay.stage").tag("stage", stage).description(description)
        .publishPercentiles(0.5, 0.99).register(registry);
  }

  public void orderToPayment(long millis) {
    record(orderToPayment, millis);
  }

  public void paymentToGenerationStart(long millis) {
    record(paymentToGenerationStart, millis);
  }

  public void generation(long millis) {
    record(generation, millis);
  }

  public void paymentToAllDone(long millis) {
    record(paymentToAllDone, millis);
  }

  private static void record(Timer timer, long millis) {
    if (millis >= 0) {
      timer.record(millis, TimeUnit.MILLISECONDS);
    }
  }
}
