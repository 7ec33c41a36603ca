package genpay.config;

import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.TrustOptions;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Collection;

/**
 * TLS_CERT_FILE and TLS_KEY_FILE (PEM): the engine's own certificate, read once at start-up. The engine calls
 * itself (its sandboxes, their webhooks) over the same port, so its clients must trust this certificate even
 * when it is self-signed: they trust exactly it, beside the usual authorities, and nothing else.
 */
public record ServerTls(String certFile, String keyFile, X509Certificate certificate) {

  /** Both or neither; each file must exist and be readable, and the certificate must parse. Null: plain HTTP. */
  static ServerTls from(String certFile, String keyFile) {
    if (certFile.isEmpty() && keyFile.isEmpty()) {
      return null;
    }
    if (certFile.isEmpty()) {
      throw new ConfigException("TLS_CERT_FILE", "is required when TLS_KEY_FILE is set (set both, or neither for plain HTTP)");
    }
    if (keyFile.isEmpty()) {
      throw new ConfigException("TLS_KEY_FILE", "is required when TLS_CERT_FILE is set (set both, or neither for plain HTTP)");
    }
    privateKey(keyFile);
    return new ServerTls(certFile, keyFile, firstCertificate(certFile));
  }

  private static void readable(String setting, String file) {
    Path path = Path.of(file);
    if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
      throw new ConfigException(setting, "must name a readable PEM file (got \"" + file + "\")");
    }
  }

  /** Only its shape is checked, and nothing of it is ever echoed: it is a secret. */
  private static void privateKey(String file) {
    readable("TLS_KEY_FILE", file);
    String text;
    try {
      text = Files.readString(Path.of(file), java.nio.charset.StandardCharsets.US_ASCII);
    } catch (IOException e) {
      text = "";
    }
    if (!text.matches("(?s).*-----BEGIN [A-Z ]*PRIVATE KEY-----.*")) {
      throw new ConfigException("TLS_KEY_FILE", "must hold a PEM private key (\"" + file + "\" does not)");
    }
  }

  /** The leaf: the first certificate of the file (a chain may follow it). */
  private static X509Certificate firstCertificate(String file) {
    readable("TLS_CERT_FILE", file);
    try (InputStream in = Files.newInputStream(Path.of(file))) {
      Collection<? extends java.security.cert.Certificate> all = CertificateFactory.getInstance("X.509")
          .generateCertificates(in);
      if (all.isEmpty()) {
        throw new CertificateException("no certificate");
      }
      return (X509Certificate) all.iterator().next();
    } catch (IOException | CertificateException e) {
      throw new ConfigException("TLS_CERT_FILE", "must hold a PEM certificate (\"" + file + "\" does not)");
    }
  }

  /** What the HTTP server presents. */
  public PemKeyCertOptions keyCert() {
    return new PemKeyCertOptions().setCertPath(certFile).setKeyPath(keyFile);
  }

  /** For the engine's Vert.x clients. */
  public TrustOptions trustOptions() {
    return TrustOptions.wrap(trustManager());
  }

  /** For stripe-java's HttpsURLConnection. */
  public SSLSocketFactory socketFactory() {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {trustManager()}, null);
      return context.getSocketFactory();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no TLS in this JVM", e);
    }
  }

  /** The JDK's authorities as usual, plus this one certificate: pinned, so its host name does not matter. */
  public X509ExtendedTrustManager trustManager() {
    return new OwnCertificateTrust(certificate, systemTrust());
  }

  private static X509ExtendedTrustManager systemTrust() {
    try {
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init((KeyStore) null);
      return Arrays.stream(factory.getTrustManagers())
          .filter(X509ExtendedTrustManager.class::isInstance).map(X509ExtendedTrustManager.class::cast)
          .findFirst().orElseThrow();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no default trust manager", e);
    }
  }

  /**
   * A server presenting exactly our certificate is us: it proved it holds our key, so the host name check is
   * skipped for it alone (the engine calls itself at 127.0.0.1, which a real certificate does not name). Any
   * other certificate goes through the JDK's checks, host name included.
   */
  private static final class OwnCertificateTrust extends X509ExtendedTrustManager {

    private final X509Certificate own;
    private final X509ExtendedTrustManager system;

    OwnCertificateTrust(X509Certificate own, X509ExtendedTrustManager system) {
      this.own = own;
      this.system = system;
    }

    private boolean isOwn(X509Certificate[] chain) throws CertificateException {
      if (chain != null && chain.length > 0 && own.equals(chain[0])) {
        own.checkValidity();
        return true;
      }
      return false;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      if (!isOwn(chain)) {
        system.checkServerTrusted(chain, authType, engine);
      }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      if (!isOwn(chain)) {
        system.checkServerTrusted(chain, authType, socket);
      }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      if (!isOwn(chain)) {
        system.checkServerTrusted(chain, authType);
      }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      system.checkClientTrusted(chain, authType, engine);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      system.checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      system.checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      X509Certificate[] issuers = system.getAcceptedIssuers();
      X509Certificate[] all = Arrays.copyOf(issuers, issuers.length + 1);
      all[issuers.length] = own;
      return all;
    }
  }
}
