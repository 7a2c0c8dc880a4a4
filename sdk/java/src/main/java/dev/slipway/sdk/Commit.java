package dev.slipway.sdk;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes applied together, only if the entities read still have the versions seen
 * (optimistic concurrency). {@link Datastore#transaction} builds one for you; use a
 * {@code Commit} directly to span requests, such as an edit form that carries the version it
 * showed. Not thread-safe.
 *
 * <pre>{@code
 * datastore.commit(new Commit().expectVersion(Key.of("Doc", "a"), formVersion).put(edited));
 * }</pre>
 */
public final class Commit {
  private final Map<Key, Long> reads = new LinkedHashMap<>();
  private final List<Entity> puts = new ArrayList<>();
  private final List<Key> deletes = new ArrayList<>();

  /** An empty commit. */
  public Commit() {}

  /**
   * Requires an entity to still be at a version; the commit fails with
   * {@link ConflictException} otherwise.
   *
   * @param key the entity's key
   * @param version the version seen; 0 means the entity must not exist
   * @return this commit
   */
  public Commit expectVersion(Key key, long version) {
    Objects.requireNonNull(key, "key");
    reads.putIfAbsent(key, version);
    return this;
  }

  /**
   * Requires an entity to still be at the version it was read with.
   *
   * @param entity an entity read from the Datastore
   * @return this commit
   */
  public Commit expectVersion(Entity entity) {
    return expectVersion(entity.key(), entity.version());
  }

  /**
   * Writes an entity; on success its key (with any allocated id) and version are updated.
   *
   * @param entity the entity
   * @return this commit
   */
  public Commit put(Entity entity) {
    puts.add(Objects.requireNonNull(entity, "entity"));
    return this;
  }

  /**
   * Deletes an entity.
   *
   * @param key its key
   * @return this commit
   */
  public Commit delete(Key key) {
    deletes.add(Objects.requireNonNull(key, "key"));
    return this;
  }

  boolean isEmpty() {
    return reads.isEmpty() && puts.isEmpty() && deletes.isEmpty();
  }

  List<Entity> puts() {
    return puts;
  }

  /** The body of {@code datastore/commit}. */
  Map<String, Object> toJson() {
    List<Object> readList = new ArrayList<>();
    reads.forEach((key, version) -> {
      Map<String, Object> read = new LinkedHashMap<>();
      read.put("key", DatastoreCodec.encodeKey(key));
      read.put("version", Long.toString(version));
      readList.add(read);
    });
    List<Object> putList = new ArrayList<>();
    for (Entity entity : puts) {
      putList.add(DatastoreCodec.encodeEntity(entity));
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("reads", readList);
    json.put("puts", putList);
    json.put("deletes", DatastoreCodec.encodeKeys(deletes));
    return json;
  }
}
