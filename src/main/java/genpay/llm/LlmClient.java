package genpay.llm;

import io.vertx.core.Future;

/**
 * One provider's text API: one prompt in, its answer out. One attempt per call: the caller retries what
 * {@link LlmException#retryable()} says may work later.
 */
public interface LlmClient {

  /** The provider's answer, or an {@link LlmException}. Empty when the provider answered without any text. */
  Future<String> ask(String prompt);

  void close();
}
