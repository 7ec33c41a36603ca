package genpay.web;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

/** A request body that must be one JSON object: anything else is bad input, said plainly. */
public final class JsonBody {

  private JsonBody() {
  }

  public static JsonObject object(Buffer body) {
    if (body == null || body.length() == 0) {
      throw new InvalidInput(null, "The body must be a JSON object.");
    }
    Object parsed;
    try {
      parsed = Json.decodeValue(body);
    } catch (DecodeException e) {
      throw new InvalidInput(null, "The body is not valid JSON.");
    }
    if (!(parsed instanceof JsonObject json)) {
      throw new InvalidInput(null, "The body must be a JSON object.");
    }
    return json;
  }
}
