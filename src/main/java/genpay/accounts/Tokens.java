package genpay.accounts;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** Secrets (sign-in links, sessions, API keys) and the SHA-256 under which alone they are stored. */
public final class Tokens {

  /** 32 random bytes, base64url without padding. */
  public static final Pattern SECRET = Pattern.compile("^[A-Za-z0-9_-]{43}$");
  public static final String KEY_PREFIX = "gpk_";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

  private Tokens() {
  }

  public static String secret() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  public static String apiKey() {
    return KEY_PREFIX + secret();
  }

  public static boolean isApiKey(String key) {
    return key != null && key.startsWith(KEY_PREFIX) && SECRET.matcher(key.substring(KEY_PREFIX.length())).matches();
  }

  /** An id that says what it is: {@code prefix} and {@code length} base62 characters. */
  public static String id(String prefix, int length) {
    StringBuilder id = new StringBuilder(prefix);
    for (int i = 0; i < length; i++) {
      id.append(BASE62.charAt(RANDOM.nextInt(BASE62.length())));
    }
    return id.toString();
  }

  public static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
