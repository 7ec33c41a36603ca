package genpay.llm;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the worker reads in a page's HTML: its title and its visible text. Pure, no I/O. */
public final class PageText {

  private static final Pattern TITLE = Pattern.compile("<title[^>]*>(.*?)</title\\s*>",
      Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
  private static final Pattern HIDDEN = Pattern.compile(
      "<(script|style|noscript|template|svg|head)\\b[^>]*>.*?</\\1\\s*>|<!--.*?-->",
      Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
  private static final Pattern TAG = Pattern.compile("<[^>]*>");
  private static final Pattern ENTITY = Pattern.compile("&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|amp|lt|gt|quot|apos|nbsp);");
  private static final Pattern SPACE = Pattern.compile("\\s+");

  private PageText() {
  }

  /** The {@code <title>}, on one line; empty when there is none. */
  public static String title(String html) {
    Matcher title = TITLE.matcher(html);
    return title.find() ? oneLine(decode(TAG.matcher(title.group(1)).replaceAll(" "))) : "";
  }

  /** The text a reader sees, on one line, at most {@code maxChars} characters. */
  public static String text(String html, int maxChars) {
    String visible = oneLine(decode(TAG.matcher(HIDDEN.matcher(html).replaceAll(" ")).replaceAll(" ")));
    return visible.length() <= maxChars ? visible : visible.substring(0, maxChars);
  }

  public static String oneLine(String text) {
    return SPACE.matcher(text).replaceAll(" ").trim();
  }

  static String decode(String text) {
    Matcher entity = ENTITY.matcher(text);
    StringBuilder out = new StringBuilder();
    while (entity.find()) {
      String name = entity.group(1);
      String value = switch (name) {
        case "amp" -> "&";
        case "lt" -> "<";
        case "gt" -> ">";
        case "quot" -> "\"";
        case "apos" -> "'";
        case "nbsp" -> " ";
        default -> {
          int code = name.startsWith("#x") ? Integer.parseInt(name.substring(2), 16) : Integer.parseInt(name.substring(1));
          yield Character.isValidCodePoint(code) && code != 0 ? new String(Character.toChars(code)) : " ";
        }
      };
      entity.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    entity.appendTail(out);
    return out.toString();
  }
}
