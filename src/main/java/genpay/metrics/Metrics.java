package genpay.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;

import java.util.EnumSet;

/** The Prometheus registry behind /metrics, and the Vert.x metrics that feed it. */
public final class Metrics {

  private Metrics() {
  }

  public static PrometheusMeterRegistry newRegistry() {
    return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }

  /**
   * HTTP requests by route template (never by raw path: ids would explode the label set), method and status.
   * Event-bus meters are off: without an address label they collide, with one reply addresses would explode.
   */
  public static MicrometerMetricsOptions vertxOptions() {
    return new MicrometerMetricsOptions()
        .setEnabled(true)
        .setJvmMetricsEnabled(true)
        .addDisabledMetricsCategory(MetricsDomain.EVENT_BUS)
        .setLabels(EnumSet.of(Label.HTTP_ROUTE, Label.HTTP_METHOD, Label.HTTP_CODE, Label.POOL_TYPE, Label.POOL_NAME));
  }
}
