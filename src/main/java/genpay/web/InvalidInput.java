package genpay.web;

/** Bad input from a client, with the field it concerns (null for the body as a whole). */
public final class InvalidInput extends RuntimeException {

  private final String field;

  public InvalidInput(String field, String detail) {
    super(detail, null, false, false);
    this.field = field;
  }

  public String field() {
    return field;
  }
}
