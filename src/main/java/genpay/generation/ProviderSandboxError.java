package genpay.generation;

import io.vertx.core.json.JsonObject;

/** An error the provider sandbox answers with, in the API's {@code {detail}} shape. */
final class ProviderSandboxError extends RuntimeException {

  final int status;

  ProviderSandboxError(int status, String detail) {
    super(detail, null, false, false);
    this.status = status;
  }

  JsonObject toJson() {
    return new JsonObject().put("detail", getMessage());
  }
}
