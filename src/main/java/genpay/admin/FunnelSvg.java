package genpay.admin;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** Draws a funnel as a small self-contained SVG: one bar per stage, its count and the stage's median time. */
public final class FunnelSvg {

  private static final int WIDTH = 640;
  private static final int BAR_LEFT = 140;
  private static final int BAR_MAX = 360;
  private static final int ROW = 44;
  private static final int TOP = 44;

  private record Stage(String label, long count, Long medianMs, String color) {
  }

  private FunnelSvg() {
  }

  public static String draw(Funnel funnel) {
    List<Stage> stages = List.of(
        new Stage("Created", funnel.created(), null, "#64748b"),
        new Stage("Paid", funnel.paid(), funnel.medianToPaidMs(), "#2563eb"),
        new Stage("All done", funnel.allDone(), funnel.medianToDoneMs(), "#16a34a"),
        new Stage("Failed", funnel.failed(), funnel.medianToFailedMs(), "#dc2626"));
    long max = Math.max(1, funnel.created());
    int height = TOP + ROW * stages.size() + 16;
    StringBuilder svg = new StringBuilder(2048);
    svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH).append("\" height=\"")
        .append(height).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(height)
        .append("\" role=\"img\" font-family=\"system-ui, sans-serif\" font-size=\"14\">");
    String title = "Orders created " + Instant.ofEpochMilli(funnel.from()) + " to " + Instant.ofEpochMilli(funnel.to());
    svg.append("<title>").append(escape(title)).append("</title>");
    svg.append("<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>");
    svg.append("<text x=\"12\" y=\"24\" font-weight=\"600\">").append(escape(title)).append("</text>");
    for (int i = 0; i < stages.size(); i++) {
      Stage stage = stages.get(i);
      int y = TOP + i * ROW;
      int width = (int) Math.round((double) BAR_MAX * stage.count() / max);
      svg.append("<text x=\"12\" y=\"").append(y + 20).append("\">").append(escape(stage.label())).append("</text>");
      svg.append("<rect class=\"bar\" data-stage=\"").append(escape(stage.label())).append("\" x=\"").append(BAR_LEFT)
          .append("\" y=\"").append(y + 4).append("\" width=\"").append(Math.max(width, 1)).append("\" height=\"24\"")
          .append(" rx=\"3\" fill=\"").append(stage.color()).append("\"/>");
      String note = stage.count() + (stage.medianMs() == null ? "" : " · median " + duration(stage.medianMs()));
      svg.append("<text x=\"").append(BAR_LEFT + Math.max(width, 1) + 8).append("\" y=\"").append(y + 21)
          .append("\">").append(escape(note)).append("</text>");
    }
    return svg.append("</svg>").toString();
  }

  static String duration(long ms) {
    if (ms < 1_000) {
      return ms + " ms";
    }
    if (ms < 120_000) {
      return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }
    if (ms < 7_200_000) {
      return String.format(Locale.ROOT, "%.1f min", ms / 60_000.0);
    }
    return String.format(Locale.ROOT, "%.1f h", ms / 3_600_000.0);
  }

  static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
