package genpay;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.AppenderBase;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps every formatted log line (with stack traces) of the test JVM, so tests can grep what was logged. */
public final class CapturedLog extends AppenderBase<ILoggingEvent> {

  private static final List<String> LINES = new CopyOnWriteArrayList<>();
  private Encoder<ILoggingEvent> encoder;

  public void setEncoder(Encoder<ILoggingEvent> encoder) {
    this.encoder = encoder;
  }

  @Override
  protected void append(ILoggingEvent event) {
    LINES.add(new String(encoder.encode(event), StandardCharsets.UTF_8));
  }

  public static List<String> lines() {
    return List.copyOf(LINES);
  }
}
