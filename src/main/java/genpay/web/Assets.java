package genpay.web;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.FileSystem;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The page assets, read once at start and kept in memory: each served under a name carrying its content hash
 * ({@code /assets/app.3f9a1c2b.js}, cached for a year as immutable) and under its plain name (a short cache, for
 * pages already in caches that still name it). One manifest maps plain to fingerprinted names; the pages'
 * references are rewritten from it, never by hand.
 */
public final class Assets {

  public static final String PREFIX = "/assets/";
  static final String IMMUTABLE = "public, max-age=31536000, immutable";
  static final String SHORT = "public, max-age=300";
  /** A reference in a page: {@code /assets/} and a name, up to a quote or whitespace. */
  private static final Pattern REFERENCE = Pattern.compile(Pattern.quote(PREFIX) + "([A-Za-z0-9._/-]+)");
  private static final int HASH_CHARS = 8;

  private record Asset(Buffer body, String etag, String contentType) {
  }

  /** Plain name (e.g. {@code app.js}) → fingerprinted name (e.g. {@code app.3f9a1c2b.js}). */
  private final Map<String, String> manifest;
  /** Either name → the asset and how to cache it. */
  private final Map<String, Asset> byPlain;
  private final Map<String, Asset> byFingerprint;

  private Assets(Map<String, Buffer> files) {
    Map<String, String> names = new HashMap<>();
    Map<String, Asset> plain = new HashMap<>();
    Map<String, Asset> fingerprinted = new HashMap<>();
    files.forEach((name, body) -> {
      String hash = sha256(body.getBytes());
      Asset asset = new Asset(body, "\"" + hash.substring(0, 32) + "\"", contentType(name));
      String fingerprint = fingerprinted(name, hash.substring(0, HASH_CHARS));
      names.put(name, fingerprint);
      plain.put(name, asset);
      fingerprinted.put(fingerprint, asset);
    });
    this.manifest = Map.copyOf(names);
    this.byPlain = Map.copyOf(plain);
    this.byFingerprint = Map.copyOf(fingerprinted);
  }

  /** From bytes already read: names relative to the assets directory ({@code app.js}, {@code img/logo.svg}). */
  public static Assets of(Map<String, Buffer> files) {
    return new Assets(files);
  }

  /** Every file under {@code dir} (a classpath or file-system directory, subdirectories included). */
  public static Future<Assets> load(Vertx vertx, String dir) {
    FileSystem fs = vertx.fileSystem();
    Map<String, Buffer> files = new java.util.concurrent.ConcurrentHashMap<>();
    return collect(fs, dir, "", files).map(done -> new Assets(files));
  }

  private static Future<Void> collect(FileSystem fs, String dir, String relative, Map<String, Buffer> into) {
    return fs.readDir(dir).compose(paths -> {
      List<Future<?>> reads = new ArrayList<>();
      for (String path : paths) {
        String name = relative + path.substring(path.lastIndexOf(java.io.File.separatorChar) + 1);
        reads.add(fs.props(path).compose(props -> props.isDirectory()
            ? collect(fs, path, name + "/", into)
            : fs.readFile(path).map(body -> {
              into.put(name, body);
              return null;
            })));
      }
      return Future.all(reads).mapEmpty();
    });
  }

  /** {@code app.js} with hash {@code 3f9a1c2b} → {@code app.3f9a1c2b.js}; a name without extension gets it last. */
  static String fingerprinted(String name, String hash) {
    int slash = name.lastIndexOf('/');
    int dot = name.lastIndexOf('.');
    if (dot <= slash + 1) {
      return name + "." + hash;
    }
    return name.substring(0, dot) + "." + hash + name.substring(dot);
  }

  /** The manifest: plain name → fingerprinted name. */
  public Map<String, String> manifest() {
    return manifest;
  }

  /** The page with every {@code /assets/NAME} of a known asset replaced by its fingerprinted name. */
  public String rewrite(String html) {
    Matcher references = REFERENCE.matcher(html);
    StringBuilder out = new StringBuilder(html.length() + 64);
    while (references.find()) {
      String fingerprint = manifest.get(references.group(1));
      references.appendReplacement(out, Matcher.quoteReplacement(
          fingerprint == null ? references.group() : PREFIX + fingerprint));
    }
    references.appendTail(out);
    return out.toString();
  }

  public void mount(Router router) {
    router.get(PREFIX + "*").handler(this::serve);
  }

  private void serve(RoutingContext ctx) {
    String name = ctx.normalizedPath().substring(PREFIX.length());
    Asset asset = byFingerprint.get(name);
    String cache = IMMUTABLE;
    if (asset == null) {
      asset = byPlain.get(name);
      cache = SHORT;
    }
    if (asset == null) {
      ctx.next(); // the router's 404 problem
      return;
    }
    HttpServerResponse response = ctx.response().putHeader("Cache-Control", cache).putHeader("ETag", asset.etag());
    if (notModified(ctx.request().getHeader("If-None-Match"), asset.etag())) {
      response.setStatusCode(304).end();
      return;
    }
    response.putHeader("Content-Type", asset.contentType()).end(asset.body());
  }

  /** Sends the page with a strong ETag of its bytes and {@code no-cache}; 304 when the client has those bytes. */
  static void sendPage(RoutingContext ctx, String html) {
    byte[] bytes = html.getBytes(StandardCharsets.UTF_8);
    String etag = "\"" + sha256(bytes).substring(0, 32) + "\"";
    HttpServerResponse response = ctx.response().putHeader("Cache-Control", "no-cache").putHeader("ETag", etag);
    if (notModified(ctx.request().getHeader("If-None-Match"), etag)) {
      response.setStatusCode(304).end();
      return;
    }
    response.putHeader("Content-Type", "text/html; charset=utf-8").end(Buffer.buffer(bytes));
  }

  /** If-None-Match uses the weak comparison (RFC 9110 13.1.2): a W/ prefix is ignored; {@code *} matches. */
  static boolean notModified(String ifNoneMatch, String etag) {
    if (ifNoneMatch == null) {
      return false;
    }
    for (String tag : ifNoneMatch.split(",")) {
      String candidate = tag.strip();
      if (candidate.startsWith("W/")) {
        candidate = candidate.substring(2);
      }
      if (candidate.equals("*") || candidate.equals(etag)) {
        return true;
      }
    }
    return false;
  }

  private static String contentType(String name) {
    String lower = name.toLowerCase(java.util.Locale.ROOT);
    if (lower.endsWith(".js")) {
      return "text/javascript; charset=utf-8";
    }
    if (lower.endsWith(".css")) {
      return "text/css; charset=utf-8";
    }
    String type = io.vertx.core.http.MimeMapping.mimeTypeForFilename(name);
    return type == null ? "application/octet-stream" : type;
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException impossible) {
      throw new IllegalStateException(impossible);
    }
  }
}
