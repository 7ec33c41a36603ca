package genpay.web;

import java.util.UUID;
import java.util.regex.Pattern;

/** The id formats of DESIGN.md section 4, checked before anything touches Redis. */
public final class SessionIds {

  private static final Pattern SESSION_ID = Pattern.compile("^cs_(test|live)_[A-Za-z0-9]{1,200}$");
  private static final Pattern UUID_TEXT =
      Pattern.compile("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");

  private SessionIds() {
  }

  public static String requireSessionId(String candidate) {
    if (candidate == null || !SESSION_ID.matcher(candidate).matches()) {
      throw new InvalidInput("sessionId", "A session id looks like cs_test_... or cs_live_... (letters and digits).");
    }
    return candidate;
  }

  public static String requireFileId(String candidate) {
    if (candidate == null || !UUID_TEXT.matcher(candidate).matches()) {
      throw new InvalidInput("fileId", "A file id is a UUID.");
    }
    return UUID.fromString(candidate).toString();
  }
}
