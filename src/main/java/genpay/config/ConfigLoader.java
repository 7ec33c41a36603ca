package genpay.config;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Reads conf/application.json (or GENPAY_CONFIG) before Vert.x starts, so blocking file I/O is fine here. */
public final class ConfigLoader {

  private ConfigLoader() {
  }

  /** For a command's main: the settings, or the reason they are wrong on stderr and exit status 2. */
  public static Settings loadOrExit(Map<String, String> env) {
    try {
      return load(env);
    } catch (ConfigException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      throw e;
    }
  }

  public static Settings load(Map<String, String> env) {
    Path path = Path.of(env.getOrDefault("GENPAY_CONFIG", "conf/application.json"));
    JsonObject file = new JsonObject();
    if (Files.exists(path)) {
      try {
        file = new JsonObject(Files.readString(path, StandardCharsets.UTF_8));
      } catch (IOException | DecodeException e) {
        throw new ConfigException("file " + path, "is not a readable JSON object");
      }
    }
    return Settings.from(file, env);
  }
}
