package genpay.llm;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the worker reads in a page's HTML: its title and its visible text. Pure, no I/O. */
public final class PageText {

  /** Elements whose content a reader never sees. */
  private static final List<String> HIDDEN = List.of("script", "style", "noscript", "template", "svg", "head");
  private static final Pattern ENTITY = Pattern.compile("&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|amp|lt|gt|quot|apos|nbsp);");
  private static final Pattern SPACE = Pattern.compile("\\s+");

  private PageText() {
  }

  /** The {@code <title>}, on one line; empty when there is none. */
  public static String title(String html) {
    int open = find(html, "<title", 0);
    while (open >= 0 && !endsName(html, open + 6)) {
      open = find(html, "<title", open + 6);
    }
    int start = open < 0 ? -1 : html.indexOf('>', open);
    int end = start < 0 ? -1 : find(html, "</title", start);
    return end < 0 ? "" : oneLine(decode(stripTags(html.substring(start + 1, end), false)));
  }

  /** The text a reader sees, on one line, at most {@code maxChars} characters. */
  public static String text(String html, int maxChars) {
    String visible = oneLine(decode(stripTags(html, true)));
    return visible.length() <= maxChars ? visible : visible.substring(0, maxChars);
  }

  /**
   * Tags (and comments, and with {@code dropHidden} the hidden elements with their content) become spaces, in one
   * pass: a page is someone else's input, and a regular expression over an unclosed tag would backtrack over the
   * rest of the page for every '<' in it.
   */
  static String stripTags(String html, boolean dropHidden) {
    StringBuilder out = new StringBuilder(html.length());
    int i = 0;
    while (i < html.length()) {
      int lt = html.indexOf('<', i);
      if (lt < 0) {
        out.append(html, i, html.length());
        break;
      }
      out.append(html, i, lt).append(' ');
      if (html.startsWith("<!--", lt)) {
        int close = html.indexOf("-->", lt + 4);
        i = close < 0 ? html.length() : close + 3;
        continue;
      }
      String hidden = dropHidden ? hiddenAt(html, lt) : null;
      int from = lt;
      if (hidden != null) {
        int closing = find(html, "</" + hidden, lt + 1 + hidden.length());
        from = closing < 0 ? html.length() : closing;
      }
      int gt = from < html.length() ? html.indexOf('>', from) : -1;
      i = gt < 0 ? html.length() : gt + 1;
    }
    return out.toString();
  }

  private static String hiddenAt(String html, int lt) {
    for (String name : HIDDEN) {
      if (html.regionMatches(true, lt + 1, name, 0, name.length()) && endsName(html, lt + 1 + name.length())) {
        return name;
      }
    }
    return null;
  }

  /** True when the tag name ends at {@code index} (not {@code <header} for {@code head}). */
  private static boolean endsName(String html, int index) {
    return index >= html.length() || !Character.isLetterOrDigit(html.charAt(index)) && html.charAt(index) != '-';
  }

  /** The first {@code needle} (ASCII, any case) at or after {@code from}, or -1. */
  private static int find(String html, String needle, int from) {
    int at = html.indexOf('<', Math.max(0, from));
    while (at >= 0) {
      if (html.regionMatches(true, at, needle, 0, needle.length())) {
        return at;
      }
      at = html.indexOf('<', at + 1);
    }
    return -1;
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
