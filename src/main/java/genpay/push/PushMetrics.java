package genpay.push;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.concurrent.atomic.AtomicInteger;

/** The push meters of one engine, shared by its HTTP instances: open streams and change-to-stream latency. */
public final class PushMetrics {

  final AtomicInteger openStreams = new AtomicInteger();
  final Timer latency;
  final Counter dropped;

  public PushMetrics(MeterRegistry registry) {
    registry.gauge("genpay.sse.open", openStreams);
    latency = Timer.builder("genpay.push.latency")
        .description("From a change committed in Redis to its event written to the streams")
        .publishPercentiles(0.5, 0.99).register(registry);
    dropped = Counter.builder("genpay.sse.dropped").description("Streams closed because the reader stopped reading")
        .register(registry);
  }
}
