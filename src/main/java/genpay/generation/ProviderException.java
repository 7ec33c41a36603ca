package genpay.generation;

/** A provider call that did not succeed. {@code retryable}: worth asking again later; otherwise final. */
public final class ProviderException extends RuntimeException {

  private final boolean retryable;

  public ProviderException(String message, boolean retryable) {
    super(message, null, false, false);
    this.retryable = retryable;
  }

  public boolean retryable() {
    return retryable;
  }
}
