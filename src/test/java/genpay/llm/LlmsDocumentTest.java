package genpay.llm;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pure parts of a request's document: what is read in a page, the line kept, the entries, the throttle. */
class LlmsDocumentTest {

  @Test
  void aPagesTitleAndVisibleTextAreRead() {
    String html = "<html><head><TITLE>Caf&eacute; &amp; Bar\n menu</TITLE><script>var x = '<p>no</p>';</script>"
        + "<style>p{}</style></head><body><!-- hidden --><h1>Menu</h1><p>Soup&nbsp;&#38; bread &#x263A;</p></body></html>";
    assertEquals("Caf&eacute; & Bar menu", PageText.title(html));
    assertEquals("Menu Soup & bread ☺", PageText.text(html, 1000));
    assertEquals("Menu", PageText.text(html, 4));
    assertEquals("", PageText.title("<p>no title</p>"));
    assertEquals("Menu", PageText.title("<titles>no</titles><title lang=\"en\">Menu</title>"));
    assertEquals("Shown", PageText.text("<header>Shown</header><svg><text>drawn</text></svg><script>x", 100));
  }

  @Test
  void aHostilePageIsReadInOnePass() {
    // Unclosed tags: a regular expression would backtrack over the rest of the page for each '<' (hours here);
    // the deadline only guards against that, it is not a speed target.
    String lessThans = "<".repeat(300_000);
    String scripts = "<script>".repeat(40_000) + "<title>T";
    assertTimeoutPreemptively(java.time.Duration.ofSeconds(20), () -> {
      assertEquals("", PageText.text(lessThans, 1000));
      assertEquals("", PageText.title(lessThans));
      assertEquals("", PageText.text(scripts, 1000));
      assertEquals("", PageText.title(scripts));
    });
  }

  @Test
  void theProvidersAnswerBecomesOneLineOfAtMost200Characters() {
    assertEquals("Sells bread.", LlmsDocument.line("\n\n  - Sells   bread.\nSecond line"));
    assertEquals(LlmsDocument.NO_SUMMARY, LlmsDocument.line("  \n "));
    String cut = LlmsDocument.line("word ".repeat(100));
    assertEquals(200, cut.codePointCount(0, cut.length()));
    assertTrue(cut.endsWith("…"));
    String emoji = LlmsDocument.line("😀".repeat(300));
    assertEquals(200, emoji.codePointCount(0, emoji.length()), "cut between code points, never inside one");
  }

  @Test
  void entriesEscapeWhatWouldBreakTheMarkdown() {
    assertEquals("- [A \\[draft\\] page](https://x.test/a%28b%29): Line.",
        LlmsDocument.entry("https://x.test/a(b)", "A [draft]\n page", "Line."));
    assertEquals("- [https://x.test/](https://x.test/): " + LlmsDocument.UNREADABLE,
        LlmsDocument.entry("https://x.test/", "", LlmsDocument.UNREADABLE));
    String document = LlmsDocument.render("Site", List.of("https://x.test/b", "https://x.test/a"),
        Map.of("https://x.test/a", "- [A](https://x.test/a): a", "https://x.test/b", "- [B](https://x.test/b): b"));
    assertEquals("# Site\n\n- [B](https://x.test/b): b\n- [A](https://x.test/a): a\n", document);
  }

  @Test
  void thePromptCarriesThePageButNeverTheLog() {
    String prompt = LlmsDocument.prompt("https://x.test/a", "Title\nnext", "body");
    assertTrue(prompt.contains("\nURL: https://x.test/a\nTitle: Title next\nContent:\nbody"));
    assertEquals("A sandbox summary of Title next (1 words).", LlmSandbox.summary(prompt));
  }

  @Test
  void progressIsWrittenEvery5PercentOr250Ms() {
    ProgressThrottle throttle = new ProgressThrottle(1000, 0, 0);
    assertFalse(throttle.due(49, 10));
    assertTrue(throttle.due(50, 20));
    assertFalse(throttle.due(51, 100));
    assertTrue(throttle.due(52, 270), "250 ms passed and something moved");
    assertFalse(throttle.due(52, 10_000), "nothing moved");
    assertTrue(new ProgressThrottle(3, 0, 0).due(1, 0), "a small request shows every page");
  }

  @Test
  void theHomePageIsTheFirstUrlsOrigin() {
    assertEquals("http://127.0.0.1:8080/", RequestRun.home("http://127.0.0.1:8080/page/1?x"));
    assertEquals("https://example.com/", RequestRun.home("https://example.com/a/b"));
    assertEquals(null, RequestRun.home("not a url"));
  }
}
