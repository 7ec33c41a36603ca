package genpay.stripe;

import io.vertx.core.json.JsonObject;

/** An error the sandbox answers in Stripe's shape: {@code {"error": {type, code, message}}}. */
final class SandboxError extends RuntimeException {

  final int status;
  final String type;
  final String code;

  SandboxError(int status, String type, String code, String message) {
    super(message, null, false, false);
    this.status = status;
    this.type = type;
    this.code = code;
  }

  static SandboxError invalid(String code, String message) {
    return new SandboxError(400, "invalid_request_error", code, message);
  }

  static SandboxError missing(String what, String id) {
    return new SandboxError(404, "invalid_request_error", "resource_missing", "No such " + what + ": '" + id + "'");
  }

  JsonObject toJson() {
    return new JsonObject().put("error", new JsonObject().put("type", type).put("code", code).put("message", getMessage()));
  }
}
