package genpay.media;

import genpay.redis.LuaScript;
import genpay.redis.RedisClients;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What Redis keeps of each copy, in {@code media:{fileId}}: the object key, the multipart upload under way and
 * its done parts ({@code part:N} = "etag sha256 size"), and once stored its size, SHA-256 and owner. Stored
 * copies are indexed in {@code media:expiry} by when they go with their order. Every key name is made here.
 */
public final class MediaRecords {

  private static final LuaScript UPLOAD = LuaScript.fromResources("/lua/media_upload.lua");
  private static final LuaScript STORED = LuaScript.fromResources("/lua/media_stored.lua").critical();
  private static final LuaScript DELETE = LuaScript.fromResources("/lua/media_delete.lua");

  /** Stored copies scored by when they expire with their order (ms). */
  static final String EXPIRY = "media:expiry";

  /** A stored copy's record outlives its order this long, so the sweep always finds it. */
  static final long STORED_MARGIN_SECONDS = TimeUnit.DAYS.toSeconds(30);

  private final Redis redis;
  private final long timeoutMs;
  private final long keepSeconds;

  /** {@code keepSeconds}: how long media is kept (the order's TTL). */
  public MediaRecords(Redis redis, long timeoutMs, long keepSeconds) {
    this.redis = redis;
    this.timeoutMs = timeoutMs;
    this.keepSeconds = keepSeconds;
  }

  static String record(String fileId) {
    return "media:" + fileId;
  }

  /** The record's fields; empty when there is none. */
  public Future<Map<String, String>> read(String fileId) {
    return send(Request.cmd(Command.HGETALL).arg(record(fileId))).map(MediaRecords::fields);
  }

  /** Starts the record of a new upload (the parts of any earlier one forgotten); false when already stored. */
  public Future<Boolean> startUpload(String fileId, Map<String, String> fields) {
    List<String> args = new ArrayList<>(List.of(String.valueOf(keepSeconds)));
    fields.forEach((field, value) -> {
      args.add(field);
      args.add(value);
    });
    return UPLOAD.run(redis, List.of(record(fileId)), args, timeoutMs).map(done -> done.toInteger() == 1);
  }

  public Future<Void> savePart(String fileId, UploadState.Part part) {
    return send(Request.cmd(Command.HSET).arg(record(fileId)).arg("part:" + part.number()).arg(part.encode()))
        .mapEmpty();
  }

  /** Marks the copy stored and indexes it for the sweep; false when it was stored before. */
  public Future<Boolean> markStored(String fileId, long now, long expiresAt, Map<String, String> fields) {
    List<String> args = new ArrayList<>(List.of(String.valueOf(now),
        String.valueOf(Math.max(1, (expiresAt - now) / 1000) + STORED_MARGIN_SECONDS)));
    fields.forEach((field, value) -> {
      args.add(field);
      args.add(value);
    });
    args.add("expiresAt");
    args.add(String.valueOf(expiresAt));
    return STORED.run(redis, List.of(record(fileId)), args, timeoutMs)
        .compose(first -> send(Request.cmd(Command.ZADD).arg(EXPIRY).arg(expiresAt).arg(fileId))
            .map(first.toInteger() == 1));
  }

  /** Marks the copy deleted; answers the object keys to remove from the store (empty when none was stored). */
  public Future<List<String>> markDeleted(String fileId, long now, long recordTtlSeconds) {
    return DELETE.run(redis, List.of(record(fileId)), List.of(String.valueOf(now), String.valueOf(recordTtlSeconds)),
            timeoutMs)
        .map(keys -> {
          List<String> out = new ArrayList<>();
          for (Response key : keys) {
            if (!key.toString().isEmpty()) {
              out.add(key.toString());
            }
          }
          return out;
        });
  }

  /** Forgets the index entry once the objects are gone. */
  public Future<Void> unindex(String fileId) {
    return send(Request.cmd(Command.ZREM).arg(EXPIRY).arg(fileId)).mapEmpty();
  }

  /** File ids whose copies are due to go by {@code now}, at most {@code limit}. */
  public Future<List<String>> due(long now, int limit) {
    return send(Request.cmd(Command.ZRANGEBYSCORE).arg(EXPIRY).arg("-inf").arg(now).arg("LIMIT").arg(0).arg(limit))
        .map(MediaRecords::strings);
  }

  /** Every stored copy's file id, a page at a time (for the monthly charge). */
  public Future<List<String>> stored(long offset, int limit) {
    return send(Request.cmd(Command.ZRANGE).arg(EXPIRY).arg(offset).arg(offset + limit - 1)).map(MediaRecords::strings);
  }

  /** {@code accountId, size, storedAt} of a stored copy (empty strings when the record is gone). */
  public Future<List<String>> owner(String fileId) {
    return send(Request.cmd(Command.HMGET).arg(record(fileId)).arg("accountId").arg("size").arg("storedAt"))
        .map(values -> {
          List<String> out = new ArrayList<>();
          for (int i = 0; i < 3; i++) {
            Response value = values == null ? null : values.get(i);
            out.add(value == null ? "" : value.toString());
          }
          return out;
        });
  }

  private Future<Response> send(Request request) {
    return RedisClients.send(redis, request, timeoutMs);
  }

  private static List<String> strings(Response response) {
    List<String> out = new ArrayList<>();
    if (response != null) {
      response.forEach(item -> out.add(item.toString()));
    }
    return out;
  }

  static Map<String, String> fields(Response response) {
    Map<String, String> fields = new HashMap<>();
    if (response == null) {
      return fields;
    }
    // HGETALL answers a map (RESP3) or a flat list (RESP2).
    if (response.isMap()) {
      for (String key : response.getKeys()) {
        fields.put(key, response.get(key).toString());
      }
    } else {
      for (int i = 0; i + 1 < response.size(); i += 2) {
        fields.put(response.get(i).toString(), response.get(i + 1).toString());
      }
    }
    return fields;
  }
}
