package genpay.credits;

import java.util.Locale;
import java.util.Map;

/**
 * What one item costs, in hundredths of a credit ({@code credits.costs}). Percent modifiers round up to the next
 * hundredth, so a cost is never below what the table says.
 */
public record CostTable(Image image, Video video, Audio audio, Storage storage) {

  /** {@code base}, plus a percent per quality ({@code sd}, {@code hd}, {@code 4k}). */
  public record Image(long base, Map<String, Integer> qualityPercent) {
  }

  /** {@code base}, plus {@code longerPercent} when longer than {@code longerThanSeconds}. */
  public record Video(long base, int longerThanSeconds, int longerPercent) {
  }

  /** {@code base} per started {@code perSeconds}. */
  public record Audio(long base, int perSeconds) {
  }

  /** Per GB kept a month. */
  public record Storage(long perGbMonth) {
  }

  public long image(String quality) {
    String key = quality == null || quality.isBlank() ? "sd" : quality.toLowerCase(Locale.ROOT);
    Integer percent = image.qualityPercent().get(key);
    if (percent == null) {
      throw new IllegalArgumentException("unknown image quality \"" + quality + "\" (known: "
          + String.join(", ", image.qualityPercent().keySet()) + ")");
    }
    return withPercent(image.base(), percent);
  }

  public long video(int durationSeconds) {
    if (durationSeconds < 1) {
      throw new IllegalArgumentException("a video lasts at least 1 second");
    }
    return durationSeconds > video.longerThanSeconds() ? withPercent(video.base(), video.longerPercent()) : video.base();
  }

  public long audio(int durationSeconds) {
    if (durationSeconds < 1) {
      throw new IllegalArgumentException("audio lasts at least 1 second");
    }
    long started = (durationSeconds + audio.perSeconds() - 1L) / audio.perSeconds();
    return started * audio.base();
  }

  /** {@code gbMonths} may be fractional (bytes x time); the cost rounds up to a hundredth. */
  public long storage(double gbMonths) {
    if (!(gbMonths >= 0)) {
      throw new IllegalArgumentException("storage is a non-negative amount of GB-months");
    }
    return (long) Math.ceil(gbMonths * storage.perGbMonth() - 1e-9);
  }

  /** One item of a generation request: {@code type} video, image or audio. */
  public long item(String type, String quality, Integer durationSeconds) {
    return switch (type == null ? "" : type) {
      case "image" -> image(quality);
      case "video" -> video(durationSeconds == null ? 8 : durationSeconds);
      case "audio" -> audio(durationSeconds == null ? 30 : durationSeconds);
      default -> throw new IllegalArgumentException("unknown type \"" + type + "\" (video, image or audio)");
    };
  }

  private static long withPercent(long base, long percent) {
    long scaled = base * (100 + percent);
    return (scaled + 99) / 100;
  }
}
