package genpay.credits;

import io.vertx.core.json.JsonObject;

import java.util.List;

/** Ledger entries as CSV (RFC 4180: CRLF line ends, a field with a comma, quote or line break is quoted). */
public final class CsvExport {

  static final List<String> COLUMNS = List.of("id", "at", "type", "amount", "balance_after", "bucket", "source",
      "source_id", "operation", "model", "description");

  private CsvExport() {
  }

  public static String header() {
    return String.join(",", COLUMNS) + "\r\n";
  }

  /** One row of an entry's JSON (as {@link Entry#toJson()} makes it). */
  public static String row(JsonObject entry) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < COLUMNS.size(); i++) {
      if (i > 0) {
        line.append(',');
      }
      Object value = entry.getValue(COLUMNS.get(i));
      line.append(field(value == null ? "" : value.toString()));
    }
    return line.append("\r\n").toString();
  }

  /**
   * A leading =, +, - or @ would make a spreadsheet run the cell as a formula: such text fields get a leading
   * apostrophe. Amounts (numbers) are left alone.
   */
  static String field(String text) {
    String value = text;
    if (!value.isEmpty() && "=+-@".indexOf(value.charAt(0)) >= 0 && !value.matches("^-?\\d+(\\.\\d+)?$")) {
      value = "'" + value;
    }
    if (value.indexOf(',') >= 0 || value.indexOf('"') >= 0 || value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
      return '"' + value.replace("\"", "\"\"") + '"';
    }
    return value;
  }
}
