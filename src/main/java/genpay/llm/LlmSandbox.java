package genpay.llm;

import genpay.config.Settings;
import genpay.redis.RedisClients;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;

import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Stand-ins for Gemini and Ollama: a deterministic one-line summary made from the prompt, injected faults
 * ({@code SANDBOX_LLM_FAULTS}), and a count of the calls per page in Redis (every node serves every call) so
 * tests can prove no page was asked twice.
 */
public final class LlmSandbox {

  public static final String GEMINI_PREFIX = "/sandbox/gemini";
  public static final String OLLAMA_PREFIX = "/sandbox/ollama";
  private static final Pattern TITLE = Pattern.compile("(?m)^Title: (.*)$");
  private static final Pattern URL = Pattern.compile("(?m)^URL: (\\S+)$");
  private static final Pattern CONTENT = Pattern.compile("(?s)\\nContent:\\n(.*)$");

  /** What the sandbox does with one call instead of answering it. */
  public enum Fault { NONE, FAIL, TOO_MANY_REQUESTS, BAD_REQUEST }

  private final Redis redis;
  private final Settings settings;
  private final LlmFaults faults;
  private final Random random = new Random();

  public LlmSandbox(Redis redis, Settings settings) {
    this.redis = redis;
    this.settings = settings;
    this.faults = LlmFaults.parse(settings.sandboxLlmFaults());
  }

  /** Calls per page: {@code HGET callsKey(provider) url}; a prompt without a URL line counts under "-". */
  public static String callsKey(String provider) {
    return "sandbox:llm:calls:" + provider;
  }

  public boolean geminiKeyAccepted(String key) {
    return settings.effectiveGeminiKey().equals(key);
  }

  public Fault rollFault(String provider) {
    LlmFaults.Rates rates = faults.of(provider);
    double roll = random.nextDouble();
    if (roll < rates.fail()) {
      return Fault.FAIL;
    }
    roll -= rates.fail();
    if (roll < rates.tooManyRequests()) {
      return Fault.TOO_MANY_REQUESTS;
    }
    roll -= rates.tooManyRequests();
    return roll < rates.badRequest() ? Fault.BAD_REQUEST : Fault.NONE;
  }

  /** Counts the call, whatever it is answered. */
  public Future<Void> count(String provider, String prompt) {
    Matcher url = URL.matcher(prompt == null ? "" : prompt);
    return RedisClients.send(redis, Request.cmd(Command.HINCRBY).arg(callsKey(provider))
            .arg(url.find() ? url.group(1) : "-").arg(1), settings.redisTimeoutMs())
        .mapEmpty();
  }

  /** The same prompt always gets the same line: the page's title and how many words it has. */
  public static String summary(String prompt) {
    Matcher title = TITLE.matcher(prompt);
    Matcher content = CONTENT.matcher(prompt);
    String text = content.find() ? content.group(1) : prompt;
    String trimmed = text.trim();
    int words = trimmed.isEmpty() ? 0 : trimmed.split("\\s+").length;
    String subject = title.find() && !title.group(1).isBlank() ? title.group(1).trim() : "this page";
    return "A sandbox summary of " + subject + " (" + words + " words).";
  }
}
