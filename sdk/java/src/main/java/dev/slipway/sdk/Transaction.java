package dev.slipway.sdk;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The reads and writes of one attempt of {@link Datastore#transaction}. Reads go to the
 * Datastore at once and remember the versions seen; writes are buffered and committed together
 * when the function returns, only if nothing read has changed meanwhile. Reads do not see the
 * transaction's own buffered writes. Use it only on the thread running the function.
 */
public final class Transaction {
  private final Datastore datastore;
  private final Commit commit = new Commit();

  Transaction(Datastore datastore) {
    this.datastore = datastore;
  }

  /**
   * Reads an entity and remembers its version (or its absence).
   *
   * @param key the key
   * @return the entity, or empty when it does not exist
   */
  public Optional<Entity> get(Key key) {
    return Optional.ofNullable(getAll(List.of(key)).get(key));
  }

  /**
   * Reads entities and remembers their versions (or their absence).
   *
   * @param keys the keys
   * @return the entities found by key, in the order of {@code keys}
   */
  public Map<Key, Entity> getAll(Collection<Key> keys) {
    Map<Key, Entity> found = datastore.getAll(keys);
    for (Key key : keys) {
      Entity entity = found.get(key);
      commit.expectVersion(key, entity == null ? 0 : entity.version());
    }
    return found;
  }

  /**
   * Writes an entity when the transaction commits; its key and version are updated then.
   *
   * @param entity the entity
   */
  public void put(Entity entity) {
    commit.put(entity);
  }

  /**
   * Deletes an entity when the transaction commits.
   *
   * @param key its key
   */
  public void delete(Key key) {
    commit.delete(key);
  }

  Commit commit() {
    return commit;
  }
}
