package genpay.stripe;

import com.stripe.exception.ApiConnectionException;
import com.stripe.net.HttpClient;
import com.stripe.net.HttpHeaders;
import com.stripe.net.StripeRequest;
import com.stripe.net.StripeResponse;
import com.stripe.net.StripeResponseStream;

import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * An HttpURLConnection transport for stripe-java that uses the engine's socket factory: over TLS the Stripe sandbox
 * is the engine itself, whose certificate may be self-signed. Only this client trusts it; the JVM's defaults are
 * left alone. Used for the sandbox only, never against Stripe.
 */
final class SelfTrustingStripeHttp extends HttpClient {

  private final SSLSocketFactory sockets;

  SelfTrustingStripeHttp(SSLSocketFactory sockets) {
    this.sockets = sockets;
  }

  @Override
  public StripeResponseStream requestStream(StripeRequest request) throws ApiConnectionException {
    try {
      HttpURLConnection connection = open(request);
      int code = connection.getResponseCode();
      HttpHeaders headers = HttpHeaders.of(connection.getHeaderFields());
      InputStream body = code >= 200 && code < 300 ? connection.getInputStream() : connection.getErrorStream();
      return new StripeResponseStream(code, headers, body);
    } catch (IOException e) {
      throw failed(e);
    }
  }

  @Override
  public StripeResponse request(StripeRequest request) throws ApiConnectionException {
    StripeResponseStream stream = requestStream(request);
    try (InputStream body = stream.body()) {
      String text = body == null ? null : new String(body.readAllBytes(), StandardCharsets.UTF_8);
      return new StripeResponse(stream.code(), stream.headers(), text);
    } catch (IOException e) {
      throw failed(e);
    }
  }

  private HttpURLConnection open(StripeRequest request) throws IOException {
    HttpURLConnection connection = (HttpURLConnection) request.url().openConnection();
    if (connection instanceof HttpsURLConnection https) {
      https.setSSLSocketFactory(sockets);
    }
    connection.setConnectTimeout(request.options().getConnectTimeout());
    connection.setReadTimeout(request.options().getReadTimeout());
    connection.setUseCaches(false);
    HttpHeaders headers = request.headers().withAdditionalHeaders(Map.of(
        "User-Agent", List.of(buildUserAgentString(request)),
        "X-Stripe-Client-User-Agent", List.of(buildXStripeClientUserAgentString())));
    headers.map().forEach((name, values) -> connection.setRequestProperty(name, String.join(",", values)));
    connection.setRequestMethod(request.method().name());
    if (request.content() != null) {
      connection.setDoOutput(true);
      connection.setRequestProperty("Content-Type", request.content().contentType());
      try (OutputStream out = connection.getOutputStream()) {
        out.write(request.content().byteArrayContent());
      }
    }
    return connection;
  }

  private static ApiConnectionException failed(IOException e) {
    return new ApiConnectionException("IOException during API request to the Stripe sandbox: " + e.getMessage(), e);
  }
}
