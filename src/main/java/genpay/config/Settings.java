package genpay.config;


import genpay.credits.CreditsConfig;
import genpay.llm.LlmFaults;
import genpay.redis.Shards;
import genpay.llm.ProvidersConfig;
import genpay.media.StorageSettings;
import io.vertx.core.json.JsonObject;

import java.net.InetAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The engine's whole configuration, validated once at start-up. Values come from
 * conf/application.json and are overridden by environment variables of the same name.
 */
public record Settings(
    int port,
    String appUrl,
    String redisUrl,
    RedisMode redisMode,
    int embeddedRedisPort,
    String dataDir,
    String redisAppendFsync,
    int redisTimeoutMs,
    int redisShards,
    String stripeSecretKey,
    List<String> stripeWebhookSecrets,
    String stripePriceId,
    String stripePublishableKey,
    long priceAmount,
    String priceCurrency,
    int sessionTtlDays,
    String generationApiUrl,
    String generationApiToken,
    int sandboxGenerationSeconds,
    String sandboxProviderFaults,
    boolean cluster,
    String clusterHost,
    int reconcileAfterSeconds,
    int reconcileIntervalSeconds,
    boolean sandboxStripeWebhooks,
    int generationTimeoutSeconds,
    int workerClaimIdleSeconds,
    int workerMaxInFlight,
    int providerRequestTimeoutMs,
    int followFirstDelayMs,
    int followMaxDelayMs,
    boolean generationWorker,
    String clusterConfig,
    boolean allowMixedSandbox,
    int checkoutRatePerMinute,
    List<String> trustedProxies,
    String sandboxStripeFaults,
    boolean sandboxStripeShuffle,
    int refundRetrySeconds,
    MailUrl mailUrl,
    String mailFrom,
    int mailRetryMaxSeconds,
    CreditsConfig credits,
    String geminiApiKey,
    String geminiApiUrl,
    String ollamaUrl,
    String sandboxLlmFaults,
    ProvidersConfig providers,
    boolean allowPrivateSites,
    ServerTls tls,
    List<String> corsOrigins,
    Set<String> adminEmails,
    StorageSettings storage) {

  public static final int MAX_QUANTITY = 10;
  public static final int MAX_PROMPT_LENGTH = 20_000;
  /** Room for a 20000-code-point prompt written as ASCII-escaped JSON (12 bytes per emoji). */
  public static final int MAX_BODY_BYTES = 256 * 1024;
  public static final String SANDBOX_SECRET_KEY = "sk_test_sandbox";
  public static final String SANDBOX_WEBHOOK_SECRET = "whsec_sandbox";
  public static final String SANDBOX_PRICE_ID = "price_sandbox_video";
  public static final String SANDBOX_PUBLISHABLE_KEY = "pk_test_sandbox";
  public static final String SANDBOX_PROVIDER_TOKEN = "sandbox-provider-token";
  public static final String SANDBOX_GEMINI_KEY = "sandbox-gemini-key";
  /** Where a GEMINI_API_KEY is used when GEMINI_API_URL is left empty. */
  public static final String GEMINI_PUBLIC_URL = "https://generativelanguage.googleapis.com";

  private static final String MIX_REMEDY = "(set both, neither, or ALLOW_MIXED_SANDBOX=true)";
  private static final Pattern CORS_ORIGIN = Pattern.compile(
      "^https?://(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*|\\[[0-9a-f:.]+\\])(?::\\d{1,5})?$");
  private static final Set<String> FSYNC_POLICIES = Set.of("always", "everysec", "no");
  /** An address alone or as {@code Name <address>}; no line breaks, which would inject headers. */
  private static final Pattern MAIL_FROM = Pattern.compile(
      "^(?:[^<>\\r\\n]*<[^<>@\\s]+@[^<>@\\s]+>|[^<>@\\s]+@[^<>@\\s]+)$");

  /** The keys this engine reads; anything else in the file is reported, not silently ignored. */
  public static final List<String> KEYS = List.of(
      "PORT", "APP_URL", "REDIS_URL", "REDIS_MODE", "EMBEDDED_REDIS_PORT", "DATA_DIR", "REDIS_APPENDFSYNC",
      "REDIS_TIMEOUT_MS", "REDIS_SHARDS",
      "STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "STRIPE_PRICE_ID", "STRIPE_PUBLISHABLE_KEY", "PRICE_AMOUNT",
      "PRICE_CURRENCY", "SESSION_TTL_DAYS", "GENERATION_API_URL", "GENERATION_API_TOKEN",
      "SANDBOX_GENERATION_SECONDS", "SANDBOX_PROVIDER_FAULTS", "CLUSTER", "CLUSTER_HOST",
      "RECONCILE_AFTER_SECONDS", "RECONCILE_INTERVAL_SECONDS", "SANDBOX_STRIPE_WEBHOOKS",
      "GENERATION_TIMEOUT_SECONDS", "WORKER_CLAIM_IDLE_SECONDS", "WORKER_MAX_IN_FLIGHT", "PROVIDER_REQUEST_TIMEOUT_MS",
      "FOLLOW_FIRST_DELAY_MS", "FOLLOW_MAX_DELAY_MS", "GENERATION_WORKER", "CLUSTER_CONFIG",
      "ALLOW_MIXED_SANDBOX", "CHECKOUT_RATE_PER_MINUTE", "TRUSTED_PROXIES",
      "SANDBOX_STRIPE_FAULTS", "SANDBOX_STRIPE_SHUFFLE", "REFUND_RETRY_SECONDS", "MAIL_URL", "MAIL_FROM",
      "MAIL_RETRY_MAX_SECONDS", CreditsConfig.KEY, "GEMINI_API_KEY", "GEMINI_API_URL", "OLLAMA_URL",
      LlmFaults.SETTING, ProvidersConfig.KEY, "ALLOW_PRIVATE_SITES",
      "TLS_CERT_FILE", "TLS_KEY_FILE", "CORS_ORIGINS", "ADMIN_EMAILS",
      "STORAGE_ENDPOINT", "STORAGE_BUCKET", "STORAGE_ACCESS_KEY_ID", "STORAGE_SECRET_ACCESS_KEY", "STORAGE_REGION",
      "STORAGE_PUBLIC_URL", "STORAGE_PATH_STYLE", "STORAGE_PART_SIZE_MB");

  /** Reads the file's values, lets the environment override each, and validates the result. */
  public static Settings from(JsonObject file, Map<String, String> env) {
    for (String key : file.fieldNames()) {
      if (!KEYS.contains(key)) {
        throw new ConfigException(key, "is not a setting genpay knows (conf/application.json)");
      }
    }
    Source source = new Source(file, env);
    int port = source.integer("PORT", 8080, 1, 65535);
    ServerTls tls = ServerTls.from(source.text("TLS_CERT_FILE", ""), source.text("TLS_KEY_FILE", ""));
    String appUrl = source.text("APP_URL", "");
    appUrl = appUrl.isEmpty() ? (tls == null ? "http" : "https") + "://localhost:" + port : validUrl("APP_URL", appUrl);
    String redisUrl = source.text("REDIS_URL", "");
    RedisMode redisMode = RedisMode.parse(source.text("REDIS_MODE", "standalone"));
    redisUrl = redisMode.validUrl(redisUrl);
    String secretKey = source.text("STRIPE_SECRET_KEY", "");
    boolean sandbox = secretKey.isEmpty();
    if (!sandbox && !secretKey.matches("^(sk|rk)_(test|live)_[A-Za-z0-9_]+$")) {
      // Never echo the value: it may be a real secret pasted into the wrong setting.
      throw new ConfigException("STRIPE_SECRET_KEY", "must be a Stripe secret key (sk_test_..., sk_live_...)");
    }
    List<String> webhookSecrets = Arrays.stream(source.text("STRIPE_WEBHOOK_SECRET", "").split(","))
        .map(String::trim).filter(s -> !s.isEmpty()).toList();
    if (webhookSecrets.isEmpty()) {
      if (!sandbox) {
        throw new ConfigException("STRIPE_WEBHOOK_SECRET", "is required when STRIPE_SECRET_KEY is set");
      }
      webhookSecrets = List.of(SANDBOX_WEBHOOK_SECRET);
    }
    for (String secret : webhookSecrets) {
      if (!secret.startsWith("whsec_")) {
        throw new ConfigException("STRIPE_WEBHOOK_SECRET", "must be a comma-separated list of whsec_... secrets");
      }
    }
    String priceId = source.text("STRIPE_PRICE_ID", "");
    if (priceId.isEmpty()) {
      if (!sandbox) {
        throw new ConfigException("STRIPE_PRICE_ID", "is required when STRIPE_SECRET_KEY is set");
      }
      priceId = SANDBOX_PRICE_ID;
    } else if (!priceId.matches("^price_[A-Za-z0-9_]+$")) {
      throw new ConfigException("STRIPE_PRICE_ID", "must be a Stripe price id (price_...)");
    }
    String publishableKey = source.text("STRIPE_PUBLISHABLE_KEY", "");
    if (!publishableKey.isEmpty() && !publishableKey.matches("^pk_(test|live)_[A-Za-z0-9_]+$")) {
      throw new ConfigException("STRIPE_PUBLISHABLE_KEY", "must be a Stripe publishable key (pk_test_..., pk_live_...)");
    }
    if (publishableKey.isEmpty()) {
      publishableKey = sandbox ? SANDBOX_PUBLISHABLE_KEY : null;
    }
    String currency = source.text("PRICE_CURRENCY", "usd").toLowerCase(Locale.ROOT);
    if (!currency.matches("^[a-z]{3}$")) {
      throw new ConfigException("PRICE_CURRENCY", "must be a three-letter ISO currency code");
    }
    String generationUrl = source.text("GENERATION_API_URL", "");
    String generationToken = source.text("GENERATION_API_TOKEN", "");
    if (!generationUrl.isEmpty()) {
      generationUrl = validUrl("GENERATION_API_URL", generationUrl);
      if (generationToken.isEmpty()) {
        throw new ConfigException("GENERATION_API_TOKEN", "is required when GENERATION_API_URL is set");
      }
    }
    boolean allowMixed = source.bool("ALLOW_MIXED_SANDBOX", false);
    // Each sandbox is open to anyone: its pay page and whsec_sandbox would unlock a real provider, and its
    // clips would be what real money buys. Only an explicit flag runs one half real.
    if (!allowMixed && sandbox && !generationUrl.isEmpty()) {
      throw new ConfigException("GENERATION_API_URL", "is set but STRIPE_SECRET_KEY is not: a real provider behind "
          + "the Stripe sandbox would give generations away " + MIX_REMEDY);
    }
    if (!allowMixed && !sandbox && generationUrl.isEmpty()) {
      throw new ConfigException("STRIPE_SECRET_KEY", "is set but GENERATION_API_URL is not: real payments would buy "
          + "the provider sandbox's sample clips " + MIX_REMEDY);
    }
    String fsync = source.text("REDIS_APPENDFSYNC", "always");
    if (!FSYNC_POLICIES.contains(fsync)) {
      throw new ConfigException("REDIS_APPENDFSYNC", "must be one of always, everysec, no");
    }
    String faults = source.text("SANDBOX_PROVIDER_FAULTS", "");
    ProviderFaults.parse(faults);
    String stripeFaults = source.text("SANDBOX_STRIPE_FAULTS", "");
    StripeSandboxFaults.parse(stripeFaults);
    boolean cluster = source.bool("CLUSTER", false);
    if (cluster && redisUrl.isEmpty()) {
      throw new ConfigException("REDIS_URL", "is required with CLUSTER=true: every node must share one Redis");
    }
    String clusterConfig = source.text("CLUSTER_CONFIG", "conf/cluster.xml");
    List<String> trustedProxies = new ArrayList<>();
    for (String proxy : source.text("TRUSTED_PROXIES", "").split(",")) {
      if (!proxy.isBlank()) {
        // Literals only: a host name here would need DNS and could change under us.
        InetAddress address = IpLiteral.parse(proxy.trim());
        if (address == null) {
          throw new ConfigException("TRUSTED_PROXIES", "must be a comma-separated list of IP addresses (got \""
              + proxy.trim() + "\")");
        }
        trustedProxies.add(address.getHostAddress());
      }
    }
    String mailUrlText = source.text("MAIL_URL", "");
    MailUrl mailUrl = mailUrlText.isEmpty() ? null : MailUrl.parse(mailUrlText);
    // The sandbox mailbox is a public page: with live payments it would show buyers' addresses and order links.
    if (mailUrl == null && !sandbox && secretKey.matches("^(sk|rk)_live_.*") && !allowMixed) {
      throw new ConfigException("MAIL_URL", "is required with a live STRIPE_SECRET_KEY: the sandbox mailbox at "
          + "/sandbox/mail is public and would show buyers' orders (or ALLOW_MIXED_SANDBOX=true)");
    }
    String mailFrom = source.text("MAIL_FROM", "");
    if (mailFrom.isEmpty()) {
      mailFrom = "genpay <no-reply@" + mailDomain(appUrl) + ">";
    } else if (!MAIL_FROM.matcher(mailFrom).matches()) {
      throw new ConfigException("MAIL_FROM", "must be one address, alone or as Name <address>, on one line");
    }
    String geminiKey = source.text("GEMINI_API_KEY", "");
    String geminiUrl = source.text("GEMINI_API_URL", "");
    if (!geminiUrl.isEmpty()) {
      geminiUrl = validUrl("GEMINI_API_URL", geminiUrl);
      if (geminiKey.isEmpty()) {
        throw new ConfigException("GEMINI_API_KEY", "is required when GEMINI_API_URL is set");
      }
    }
    // Gemini is paid for: a real key behind the Stripe sandbox spends on calls nobody paid for, and a live
    // Stripe key before the gemini sandbox sells its made-up summaries. Ollama is free, so its sandbox never is.
    if (!allowMixed && sandbox && !geminiKey.isEmpty()) {
      throw new ConfigException("GEMINI_API_KEY", "is set but STRIPE_SECRET_KEY is not: real gemini calls behind "
          + "the Stripe sandbox would be given away " + MIX_REMEDY);
    }
    if (!allowMixed && secretKey.matches("^(sk|rk)_live_.*") && geminiKey.isEmpty()) {
      throw new ConfigException("STRIPE_SECRET_KEY", "is live but GEMINI_API_KEY is not set: real payments would "
          + "buy the gemini sandbox's made-up summaries " + MIX_REMEDY);
    }
    String ollamaUrl = source.text("OLLAMA_URL", "");
    if (!ollamaUrl.isEmpty()) {
      ollamaUrl = validUrl("OLLAMA_URL", ollamaUrl);
    }
    String llmFaults = source.text(LlmFaults.SETTING, "");
    LlmFaults.parse(llmFaults);
    String dataDir = source.text("DATA_DIR", "data");
    if (dataDir.isEmpty()) {
      throw new ConfigException("DATA_DIR", "must name a directory");
    }
    return new Settings(
        port, appUrl, redisUrl.isEmpty() ? null : redisUrl, redisMode,
        source.integer("EMBEDDED_REDIS_PORT", 0, 0, 65535), dataDir, fsync,
        source.integer("REDIS_TIMEOUT_MS", 3_000, 100, 60_000),
        source.integer("REDIS_SHARDS", Shards.DEFAULT_COUNT, 1, Shards.MAX_COUNT),
        sandbox ? null : secretKey, webhookSecrets, priceId, publishableKey,
        source.integer("PRICE_AMOUNT", 500, 50, 99_999_999), currency,
        source.integer("SESSION_TTL_DAYS", 30, 1, 365),
        generationUrl.isEmpty() ? null : generationUrl, generationToken.isEmpty() ? null : generationToken,
        source.integer("SANDBOX_GENERATION_SECONDS", 20, 0, 3600), faults,
        cluster, source.text("CLUSTER_HOST", ""),
        source.integer("RECONCILE_AFTER_SECONDS", 600, 0, 86_400),
        source.integer("RECONCILE_INTERVAL_SECONDS", 60, 1, 3_600),
        source.bool("SANDBOX_STRIPE_WEBHOOKS", true),
        source.integer("GENERATION_TIMEOUT_SECONDS", 600, 1, 86_400),
        source.integer("WORKER_CLAIM_IDLE_SECONDS", 60, 1, 3_600),
        source.integer("WORKER_MAX_IN_FLIGHT", 10_000, 1, 1_000_000),
        source.integer("PROVIDER_REQUEST_TIMEOUT_MS", 10_000, 100, 120_000),
        source.integer("FOLLOW_FIRST_DELAY_MS", 3_000, 10, 600_000),
        source.integer("FOLLOW_MAX_DELAY_MS", 30_000, 10, 600_000),
        source.bool("GENERATION_WORKER", true), clusterConfig, allowMixed,
        source.integer("CHECKOUT_RATE_PER_MINUTE", 60, 0, 1_000_000), List.copyOf(trustedProxies),
        stripeFaults, source.bool("SANDBOX_STRIPE_SHUFFLE", false), source.integer("REFUND_RETRY_SECONDS", 30, 1, 86_400),
        mailUrl, mailFrom, source.integer("MAIL_RETRY_MAX_SECONDS", 300, 1, 86_400),
        // An object, not a flat value: the file alone sets it (no environment variable).
        CreditsConfig.from(file.getValue(CreditsConfig.KEY)),
        geminiKey.isEmpty() ? null : geminiKey, geminiUrl.isEmpty() ? null : geminiUrl,
        ollamaUrl.isEmpty() ? null : ollamaUrl, llmFaults, ProvidersConfig.from(file.getValue(ProvidersConfig.KEY)),
        source.bool("ALLOW_PRIVATE_SITES", false), tls, corsOrigins(source.text("CORS_ORIGINS", "")),
        adminEmails(source.text("ADMIN_EMAILS", "")),
        StorageSettings.of(source.text("STORAGE_ENDPOINT", ""), source.text("STORAGE_BUCKET", ""),
            source.text("STORAGE_ACCESS_KEY_ID", ""), source.text("STORAGE_SECRET_ACCESS_KEY", ""),
            source.text("STORAGE_REGION", ""), source.text("STORAGE_PUBLIC_URL", ""),
            source.bool("STORAGE_PATH_STYLE", true), source.integer("STORAGE_PART_SIZE_MB", 8, 5, 512)));
  }

  /** Lower-cased addresses; an item without one {@code @} is a typo that would lock its admin out. */
  private static Set<String> adminEmails(String text) {
    Set<String> emails = new java.util.LinkedHashSet<>();
    for (String item : text.split(",")) {
      String email = item.strip().toLowerCase(Locale.ROOT);
      if (email.isEmpty()) {
        continue;
      }
      if (email.indexOf('@') <= 0 || email.indexOf('@') != email.lastIndexOf('@') || email.endsWith("@")
          || email.chars().anyMatch(Character::isWhitespace)) {
        throw new ConfigException("ADMIN_EMAILS", "must be a comma-separated list of e-mail addresses (got \""
            + item.strip() + "\")");
      }
      emails.add(email);
    }
    return Set.copyOf(emails);
  }

  /** An account's e-mail is in ADMIN_EMAILS (case-insensitive). */
  public boolean admin(String email) {
    return email != null && adminEmails.contains(email.strip().toLowerCase(Locale.ROOT));
  }

  /**
   * Exact origins ({@code scheme://host[:port]}, as browsers send them in Origin), lower-cased. Never {@code *}
   * nor {@code null}: an opaque origin is any sandboxed frame or file, not a site one can name.
   */
  private static List<String> corsOrigins(String text) {
    List<String> origins = new ArrayList<>();
    for (String item : text.split(",")) {
      String origin = item.strip().toLowerCase(Locale.ROOT);
      if (origin.isEmpty()) {
        continue;
      }
      if (!CORS_ORIGIN.matcher(origin).matches()) {
        throw new ConfigException("CORS_ORIGINS", "must be a comma-separated list of exact origins such as "
            + "https://shop.example (scheme, host and port; no path, no *; got \"" + item.strip() + "\")");
      }
      String defaultPort = origin.startsWith("https:") ? ":443" : ":80";
      origins.add(origin.endsWith(defaultPort) ? origin.substring(0, origin.length() - defaultPort.length()) : origin);
    }
    return List.copyOf(origins);
  }

  public boolean stripeSandbox() {
    return stripeSecretKey == null;
  }

  public boolean providerSandbox() {
    return generationApiUrl == null;
  }

  /** A live-mode Stripe key: real money moves. */
  public boolean stripeLive() {
    return stripeSecretKey != null && stripeSecretKey.matches("^(sk|rk)_live_.*");
  }

  /** Exactly one of Stripe and the provider is a sandbox (only with ALLOW_MIXED_SANDBOX=true). */
  public boolean mixedSandbox() {
    return stripeSandbox() != providerSandbox();
  }

  /** Without GEMINI_API_KEY, gemini calls go to the built-in sandbox at /sandbox/gemini. */
  public boolean geminiSandbox() {
    return geminiApiKey == null;
  }

  /** Without OLLAMA_URL, ollama calls go to the built-in sandbox at /sandbox/ollama. */
  public boolean ollamaSandbox() {
    return ollamaUrl == null;
  }

  public String effectiveGeminiUrl() {
    if (geminiSandbox()) {
      return loopbackUrl() + "/sandbox/gemini";
    }
    return geminiApiUrl == null ? GEMINI_PUBLIC_URL : geminiApiUrl;
  }

  public String effectiveGeminiKey() {
    return geminiSandbox() ? SANDBOX_GEMINI_KEY : geminiApiKey;
  }

  public String effectiveOllamaUrl() {
    return ollamaSandbox() ? loopbackUrl() + "/sandbox/ollama" : ollamaUrl;
  }

  /** Without MAIL_URL, e-mail goes to the built-in mailbox at /sandbox/mail. */
  public boolean mailSandbox() {
    return mailUrl == null;
  }

  public boolean embeddedRedis() {
    return redisUrl == null;
  }

  /** Where the worker reaches the provider: the configured API, or the engine's own sandbox over loopback. */
  public String effectiveProviderUrl() {
    return providerSandbox() ? loopbackUrl() + "/sandbox/provider" : generationApiUrl;
  }

  public String effectiveProviderToken() {
    return providerSandbox() ? SANDBOX_PROVIDER_TOKEN : generationApiToken;
  }

  /** The key stripe-java sends: the configured one, or the sandbox's test key. */
  public String effectiveStripeKey() {
    return stripeSandbox() ? SANDBOX_SECRET_KEY : stripeSecretKey;
  }

  /** The engine reaches its own sandboxes over loopback, whatever APP_URL says to browsers. */
  public String loopbackUrl() {
    return (tls == null ? "http" : "https") + "://127.0.0.1:" + port;
  }

  /** HTTPS on PORT (HTTP/2 and HTTP/1.1 by ALPN) rather than plain HTTP. */
  public boolean https() {
    return tls != null;
  }

  /**
   * What the engine's own HTTP clients trust besides the usual authorities: its own certificate, so calls to
   * itself work with a self-signed one. Null without TLS.
   */
  public io.vertx.core.net.TrustOptions selfTrust() {
    return tls == null ? null : tls.trustOptions();
  }

  /** The shards every key of an order, account or request is placed by (DESIGN.md section 18). */
  public Shards shards() {
    return Shards.withCount(redisShards);
  }

  /** The same settings with the Redis the engine actually uses (the embedded one's address, once it runs). */
  public Settings withRedisUrl(String url) {
    return new Settings(port, appUrl, url, redisMode, embeddedRedisPort, dataDir, redisAppendFsync, redisTimeoutMs,
        redisShards,
        stripeSecretKey, stripeWebhookSecrets, stripePriceId, stripePublishableKey, priceAmount, priceCurrency, sessionTtlDays,
        generationApiUrl, generationApiToken, sandboxGenerationSeconds, sandboxProviderFaults, cluster, clusterHost,
        reconcileAfterSeconds, reconcileIntervalSeconds, sandboxStripeWebhooks, generationTimeoutSeconds,
        workerClaimIdleSeconds, workerMaxInFlight, providerRequestTimeoutMs, followFirstDelayMs, followMaxDelayMs, generationWorker, clusterConfig,
        allowMixedSandbox, checkoutRatePerMinute, trustedProxies, sandboxStripeFaults, sandboxStripeShuffle, refundRetrySeconds,
        mailUrl, mailFrom, mailRetryMaxSeconds, credits, geminiApiKey, geminiApiUrl, ollamaUrl, sandboxLlmFaults,
        providers, allowPrivateSites, tls, corsOrigins, adminEmails, storage);
  }

  /** The same settings with the object store the engine actually uses (the embedded one's, once it runs). */
  public Settings withStorage(StorageSettings actual) {
    return new Settings(port, appUrl, redisUrl, redisMode, embeddedRedisPort, dataDir, redisAppendFsync, redisTimeoutMs,
        redisShards, stripeSecretKey, stripeWebhookSecrets, stripePriceId, stripePublishableKey, priceAmount, priceCurrency, sessionTtlDays,
        generationApiUrl, generationApiToken, sandboxGenerationSeconds, sandboxProviderFaults, cluster, clusterHost,
        reconcileAfterSeconds, reconcileIntervalSeconds, sandboxStripeWebhooks, generationTimeoutSeconds,
        workerClaimIdleSeconds, workerMaxInFlight, providerRequestTimeoutMs, followFirstDelayMs, followMaxDelayMs, generationWorker, clusterConfig,
        allowMixedSandbox, checkoutRatePerMinute, trustedProxies, sandboxStripeFaults, sandboxStripeShuffle, refundRetrySeconds,
        mailUrl, mailFrom, mailRetryMaxSeconds, credits, geminiApiKey, geminiApiUrl, ollamaUrl, sandboxLlmFaults,
        providers, allowPrivateSites, tls, corsOrigins, adminEmails, actual);
  }

  /** Secrets are left out so that a settings object can be logged or printed safely. */
  @Override
  public String toString() {
    return "Settings[port=" + port + ", appUrl=" + appUrl + ", redis=" + (embeddedRedis() ? "embedded" : "external " + redisMode.wire())
        + ", stripe=" + (stripeSandbox() ? "sandbox" : "live API") + ", provider="
        + (providerSandbox() ? "sandbox" : "external") + ", gemini=" + (geminiSandbox() ? "sandbox" : "external")
        + ", ollama=" + (ollamaSandbox() ? "sandbox" : ollamaUrl) + ", mail=" + (mailSandbox() ? "sandbox" : mailUrl)
        + ", cluster=" + cluster + ", tls=" + (tls != null) + ", storage=" + storage + "]";
  }

  /** APP_URL's host as mail writes it: the default sender's domain and what EHLO says. */
  public String mailDomain() {
    return mailDomain(appUrl);
  }

  /** An IP address becomes an address literal ({@code [127.0.0.1]}), as RFC 5321 writes it. */
  private static String mailDomain(String appUrl) {
    String host = URI.create(appUrl).getHost();
    if (host.startsWith("[")) {
      return "[IPv6:" + host.substring(1, host.length() - 1) + "]";
    }
    return host.matches("^[0-9.]+$") ? "[" + host + "]" : host;
  }

  private static String validUrl(String setting, String value) {
    try {
      URI uri = URI.create(value);
      if (uri.getScheme() == null || !uri.getScheme().matches("https?") || uri.getHost() == null) {
        throw new IllegalArgumentException();
      }
    } catch (IllegalArgumentException e) {
      throw new ConfigException(setting, "must be an absolute http(s) URL (got \"" + value + "\")");
    }
    return value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
  }

  /** One setting's raw value: environment first, then the file. */
  private record Source(JsonObject file, Map<String, String> env) {

    String text(String key, String fallback) {
      String fromEnv = env.get(key);
      if (fromEnv != null) {
        return fromEnv.trim();
      }
      Object value = file.getValue(key);
      return value == null ? fallback : String.valueOf(value).trim();
    }

    int integer(String key, int fallback, int min, int max) {
      String raw = text(key, "");
      if (raw.isEmpty()) {
        return fallback;
      }
      try {
        int value = Integer.parseInt(raw);
        if (value < min || value > max) {
          throw new NumberFormatException();
        }
        return value;
      } catch (NumberFormatException e) {
        throw new ConfigException(key, "must be a whole number from " + min + " to " + max + " (got \"" + raw + "\")");
      }
    }

    boolean bool(String key, boolean fallback) {
      String raw = text(key, "").toLowerCase(Locale.ROOT);
      return switch (raw) {
        case "" -> fallback;
        case "true", "1", "yes" -> true;
        case "false", "0", "no" -> false;
        default -> throw new ConfigException(key, "must be true or false (got \"" + raw + "\")");
      };
    }
  }
}
