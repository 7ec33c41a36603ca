package genpay.sites;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Reads the {@code <loc>}s of a sitemap or sitemap index as its bytes arrive, holding only the markup and the
 * location under way. It understands exactly what sitemaps use: elements (any namespace prefix), the five
 * predefined entities and character references, CDATA, comments, processing instructions. A DOCTYPE is skipped,
 * never expanded, so no entity of the site's is ever resolved.
 */
final class SitemapScanner {

  /** Where locations go. {@link #url} answers false to stop reading. */
  interface Listener {
    boolean url(String location);

    void sitemap(String location);
  }

  enum Kind { UNKNOWN, URLSET, INDEX }

  private enum State { TEXT, MARKUP, COMMENT, CDATA, DECLARATION, INSTRUCTION }

  private static final int MAX_MARKUP = 64 * 1024;
  /** sitemaps.org caps a location at 2048 characters; a longer one is skipped, not kept growing. */
  private static final int MAX_LOCATION = 8 * 1024;
  private static final int MAX_DEPTH = 64;
  private static final byte[] COMMENT_OPEN = "!--".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CDATA_OPEN = "![CDATA[".getBytes(StandardCharsets.US_ASCII);

  private final Listener listener;
  private final Deque<String> open = new ArrayDeque<>();
  private final ByteArrayOutputStream markup = new ByteArrayOutputStream();
  private final ByteArrayOutputStream location = new ByteArrayOutputStream();
  private State state = State.TEXT;
  private Kind kind = Kind.UNKNOWN;
  private boolean inLocation;
  private boolean locationTooLong;
  private byte quote;
  private int markupFirst;
  private int brackets;
  private int last1;
  private int last2;

  SitemapScanner(Listener listener) {
    this.listener = listener;
  }

  Kind kind() {
    return kind;
  }

  /** Feeds the next bytes; answers false once the listener asked to stop. Throws {@link FetchException}. */
  boolean feed(byte[] bytes, int offset, int length) {
    for (int i = offset; i < offset + length; i++) {
      int c = bytes[i] & 0xff;
      switch (state) {
        case TEXT -> {
          if (c == '<') {
            state = State.MARKUP;
            markup.reset();
            markupFirst = 0;
            quote = 0;
          } else if (inLocation) {
            keep(c);
          }
        }
        case MARKUP -> {
          if (!markup(c)) {
            return false;
          }
        }
        case COMMENT -> {
          if (c == '>' && last1 == '-' && last2 == '-') {
            state = State.TEXT;
          }
        }
        case CDATA -> {
          if (c == '>' && last1 == ']' && last2 == ']') {
            state = State.TEXT;
            if (inLocation && location.size() >= 2) {
              drop(2);
            }
          } else if (inLocation) {
            if (c == '&') {
              // Entities are decoded at the end: a literal & in CDATA is written as one.
              keepAll("&amp;");
            } else {
              keep(c);
            }
          }
        }
        case DECLARATION -> {
          if (c == '[') {
            brackets++;
          } else if (c == ']') {
            brackets--;
          } else if (c == '>' && brackets <= 0) {
            state = State.TEXT;
          }
        }
        case INSTRUCTION -> {
          if (c == '>' && last1 == '?') {
            state = State.TEXT;
          }
        }
        default -> throw new IllegalStateException();
      }
      last2 = last1;
      last1 = c;
    }
    return true;
  }

  /** One byte after {@code <}; answers false when a location made the listener stop. */
  private boolean markup(int c) {
    if (markup.size() >= MAX_MARKUP) {
      throw FetchException.unusable("sitemap markup too long");
    }
    if (quote != 0) {
      if (c == quote) {
        quote = 0;
      }
      markup.write(c);
      return true;
    }
    if (c == '>' && !(markup.size() > 0 && firstMarkupByte() == '!')) {
      state = State.TEXT;
      return tag(markup.toString(StandardCharsets.ISO_8859_1));
    }
    markup.write(c);
    if (markup.size() == 1) {
      markupFirst = c;
    }
    if (markup.size() == 1 && c == '?') {
      state = State.INSTRUCTION;
      last1 = 0;
      return true;
    }
    if (firstMarkupByte() == '!') {
      byte[] seen = markup.toByteArray();
      if (same(seen, COMMENT_OPEN)) {
        state = State.COMMENT;
      } else if (same(seen, CDATA_OPEN)) {
        state = State.CDATA;
      } else if (!prefixOf(seen, COMMENT_OPEN) && !prefixOf(seen, CDATA_OPEN)) {
        state = State.DECLARATION;
        brackets = c == '[' ? 1 : 0;
        if (c == '>') {
          state = State.TEXT;
        }
      }
      if (state != State.MARKUP) {
        // The bytes of the opening must not count towards its end (<!--> is no comment end).
        last1 = 0;
        last2 = 0;
      }
      return true;
    }
    if (c == '"' || c == '\'') {
      if (markup.size() > 1) {
        quote = (byte) c;
      }
    }
    return true;
  }

  private boolean tag(String text) {
    if (text.startsWith("/")) {
      String local = localName(text.substring(1));
      if (local.equals("loc") && inLocation) {
        inLocation = false;
        if (!open.isEmpty()) {
          open.pop();
        }
        return emit();
      }
      if (!open.isEmpty()) {
        open.pop();
      }
      return true;
    }
    boolean selfClosing = text.endsWith("/");
    String local = localName(selfClosing ? text.substring(0, text.length() - 1) : text);
    if (local.isEmpty()) {
      throw FetchException.unusable("not a sitemap (malformed markup)");
    }
    if (open.isEmpty() && kind == Kind.UNKNOWN) {
      kind = switch (local) {
        case "urlset" -> Kind.URLSET;
        case "sitemapindex" -> Kind.INDEX;
        default -> throw FetchException.unusable("not a sitemap (root element " + local + ")");
      };
    }
    if (selfClosing) {
      return true;
    }
    String parent = open.peek();
    if (local.equals("loc") && (kind == Kind.URLSET && "url".equals(parent)
        || kind == Kind.INDEX && "sitemap".equals(parent))) {
      inLocation = true;
      locationTooLong = false;
      location.reset();
    }
    if (open.size() >= MAX_DEPTH) {
      throw FetchException.unusable("sitemap nested too deep");
    }
    open.push(local);
    return true;
  }

  private boolean emit() {
    if (locationTooLong) {
      return true;
    }
    String text = decode(location.toString(StandardCharsets.UTF_8).strip());
    if (text.isEmpty()) {
      return true;
    }
    if (kind == Kind.INDEX) {
      listener.sitemap(text);
      return true;
    }
    return listener.url(text);
  }

  private void keep(int c) {
    if (location.size() >= MAX_LOCATION) {
      locationTooLong = true;
      return;
    }
    location.write(c);
  }

  private void keepAll(String text) {
    for (int i = 0; i < text.length(); i++) {
      keep(text.charAt(i));
    }
  }

  private void drop(int count) {
    byte[] kept = location.toByteArray();
    location.reset();
    location.write(kept, 0, kept.length - count);
  }

  private int firstMarkupByte() {
    return markupFirst;
  }

  private static String localName(String tag) {
    int end = 0;
    while (end < tag.length() && !Character.isWhitespace(tag.charAt(end)) && tag.charAt(end) != '/') {
      end++;
    }
    String name = tag.substring(0, end);
    int colon = name.indexOf(':');
    return colon >= 0 ? name.substring(colon + 1) : name;
  }

  private static boolean same(byte[] seen, byte[] wanted) {
    return seen.length == wanted.length && prefixOf(seen, wanted);
  }

  private static boolean prefixOf(byte[] seen, byte[] wanted) {
    if (seen.length > wanted.length) {
      return false;
    }
    for (int i = 0; i < seen.length; i++) {
      if (seen[i] != wanted[i]) {
        return false;
      }
    }
    return true;
  }

  /** The predefined entities and character references; anything else is left as written. */
  static String decode(String text) {
    if (text.indexOf('&') < 0) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length());
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      int semicolon = c == '&' ? text.indexOf(';', i) : -1;
      if (semicolon < 0 || semicolon - i > 10) {
        out.append(c);
        i++;
        continue;
      }
      String name = text.substring(i + 1, semicolon);
      String replacement = switch (name) {
        case "amp" -> "&";
        case "lt" -> "<";
        case "gt" -> ">";
        case "quot" -> "\"";
        case "apos" -> "'";
        default -> reference(name);
      };
      if (replacement == null) {
        out.append(c);
        i++;
      } else {
        out.append(replacement);
        i = semicolon + 1;
      }
    }
    return out.toString();
  }

  private static String reference(String name) {
    try {
      if (name.startsWith("#x") || name.startsWith("#X")) {
        return new String(Character.toChars(Integer.parseInt(name.substring(2), 16)));
      }
      if (name.startsWith("#")) {
        return new String(Character.toChars(Integer.parseInt(name.substring(1))));
      }
    } catch (IllegalArgumentException e) {
      return null;
    }
    return null;
  }
}
