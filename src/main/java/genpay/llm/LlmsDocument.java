package genpay.llm;

import java.util.List;
import java.util.Map;

/**
 * The llms.txt of a site: {@code # {site title}}, a blank line, then {@code - [{page title}]({url}): {line}} per URL
 * in sitemap order. Pure: the prompt, the line cleaning and the assembly, tested without I/O.
 */
public final class LlmsDocument {

  public static final int MAX_LINE = 200;
  public static final int MAX_PAGE_TEXT = 6_000;
  public static final String UNREADABLE = "(page could not be read)";
  public static final String NO_SUMMARY = "(no summary)";

  private LlmsDocument() {
  }

  /** What the provider is asked about one page. It may hold a whole page: never logged. */
  public static String prompt(String url, String title, String text) {
    return "Write one sentence of at most 200 characters that tells a reader what this web page offers, for the "
        + "site's llms.txt. Answer with that sentence only.\n"
        + "URL: " + url + "\n"
        + "Title: " + PageText.oneLine(title) + "\n"
        + "Content:\n" + text;
  }

  /** The provider's answer as one line of at most {@link #MAX_LINE} characters: its first non-blank line. */
  public static String line(String answer) {
    String first = "";
    for (String candidate : answer.split("\\R")) {
      if (!candidate.isBlank()) {
        first = candidate;
        break;
      }
    }
    String line = PageText.oneLine(first);
    if (line.startsWith("- ") || line.startsWith("* ")) {
      line = line.substring(2).trim();
    }
    if (line.isEmpty()) {
      return NO_SUMMARY;
    }
    if (line.codePointCount(0, line.length()) > MAX_LINE) {
      line = line.substring(0, line.offsetByCodePoints(0, MAX_LINE - 1)).trim() + "…";
    }
    return line;
  }

  /** One entry of the list; a page without a title is named by its URL. */
  public static String entry(String url, String title, String line) {
    String name = PageText.oneLine(title);
    if (name.isEmpty()) {
      name = url;
    }
    return "- [" + name.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]") + "]("
        + url.replace("(", "%28").replace(")", "%29").replace(" ", "%20") + "): " + line;
  }

  /** The whole document; a URL without an entry (it should not happen) is listed as unreadable. */
  public static String render(String siteTitle, List<String> urls, Map<String, String> entries) {
    StringBuilder document = new StringBuilder(64 + urls.size() * 120);
    document.append("# ").append(PageText.oneLine(siteTitle)).append("\n\n");
    for (String url : urls) {
      String entry = entries.get(url);
      document.append(entry != null ? entry : entry(url, "", UNREADABLE)).append('\n');
    }
    return document.toString();
  }
}
