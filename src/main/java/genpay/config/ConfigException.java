package genpay.config;

/** A setting that stops start-up; its message is the one line the operator reads. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String setting, String problem) {
    super("Bad configuration: " + setting + " " + problem);
  }
}
