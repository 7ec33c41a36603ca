package genpay.generation;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** The provider sandbox's image and audio: a real PNG and a real WAV, made once in memory at start-up. */
public final class SandboxMedia {

  public static final String IMAGE = "image.png";
  public static final String AUDIO = "audio.wav";
  static final int SIDE = 64;
  static final int SAMPLE_RATE = 8_000;
  static final double TONE_HZ = 440;

  private final Buffer png;
  private final Buffer wav;

  private SandboxMedia(Buffer png, Buffer wav) {
    this.png = png;
    this.wav = wav;
  }

  public static SandboxMedia create() {
    return new SandboxMedia(Buffer.buffer(png(new Color(0x3B82F6))), Buffer.buffer(wav(1)));
  }

  void serve(RoutingContext ctx, String name) {
    boolean image = IMAGE.equals(name);
    ctx.response().putHeader("Content-Type", image ? "image/png" : "audio/wav")
        .putHeader("Cache-Control", "public, max-age=86400")
        .end(image ? png : wav);
  }

  /** A square of one colour with a lighter diagonal band: a real PNG any browser shows. */
  static byte[] png(Color colour) {
    BufferedImage image = new BufferedImage(SIDE, SIDE, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(colour);
    g.fillRect(0, 0, SIDE, SIDE);
    g.setColor(colour.brighter());
    for (int i = 0; i < SIDE; i++) {
      g.fillRect(i, i, 6, 1);
    }
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** {@code seconds} of a 440 Hz sine, 8 kHz 16-bit mono PCM in a RIFF/WAVE container. */
  static byte[] wav(int seconds) {
    int samples = SAMPLE_RATE * seconds;
    int dataBytes = samples * 2;
    ByteBuffer wav = ByteBuffer.allocate(44 + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    wav.put("RIFF".getBytes()).putInt(36 + dataBytes).put("WAVE".getBytes());
    wav.put("fmt ".getBytes()).putInt(16).putShort((short) 1).putShort((short) 1).putInt(SAMPLE_RATE)
        .putInt(SAMPLE_RATE * 2).putShort((short) 2).putShort((short) 16);
    wav.put("data".getBytes()).putInt(dataBytes);
    for (int i = 0; i < samples; i++) {
      wav.putShort((short) (Math.sin(2 * Math.PI * TONE_HZ * i / SAMPLE_RATE) * 0.3 * Short.MAX_VALUE));
    }
    return wav.array();
  }
}
