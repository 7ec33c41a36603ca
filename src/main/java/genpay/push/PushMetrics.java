package genpay.push;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * What one engine's push shares between its HTTP instances and its push verticle: the meters (open streams,
 * change-to-stream latency, encodings) and the directory of which instance holds which streams.
 */
public final class PushMetrics {

  final AtomicInteger openStreams = new AtomicInteger();
  final Timer latency;
  final Counter dropped;
  final Counter encoded;
  final StreamDirectory directory = new StreamDirectory();

  public PushMetrics(MeterRegistry registry) {
    registry.gauge("genpay.sse.open", openStreams);
    latency = Timer.builder("genpay.push.latency")
        .description("From a change committed in Redis to its event written to the streams")
        .publishPercentiles(0.5, 0.99).register(registry);
    dropped = Counter.builder("genpay.sse.dropped").description("Streams closed because the reader stopped reading")
        .register(registry);
    encoded = Counter.builder("genpay.sse.encoded")
        .description("SSE events encoded: one per change and node whatever the streams, one per stream's first")
        .register(registry);
  }
}
