package dev.slipway.sdk;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * The Datastore: schemaless entities with keys, queries, and optimistic transactions, per app
 * and environment. Thread-safe.
 *
 * <pre>{@code
 * Datastore datastore = Slipway.services().datastore();
 * Key key = datastore.put(new Entity(Key.incomplete("Task")).set("title", "Order paper").set("done", false));
 * Optional<Entity> task = datastore.get(key);
 * List<Entity> open = datastore.query(Query.kind("Task").filter("done", Op.EQ, false)).entities();
 * long n = datastore.transaction(tx -> {
 *   Entity counter = tx.get(Key.of("Counter", "c")).orElse(new Entity(Key.of("Counter", "c")).set("n", 0));
 *   counter.set("n", counter.getLong("n") + 1);
 *   tx.put(counter);
 *   return counter.getLong("n");
 * });
 * }</pre>
 */
public final class Datastore {
  /** How many times {@link #transaction} runs its function at most (the first try and the retries after conflicts). */
  public static final int TRANSACTION_ATTEMPTS = 5;

  private final ServiceClient client;

  Datastore(ServiceClient client) {
    this.client = client;
  }

  /**
   * Reads one entity.
   *
   * @param key a complete key
   * @return the entity (with its version), or empty when it does not exist
   */
  public Optional<Entity> get(Key key) {
    return Optional.ofNullable(getAll(List.of(key)).get(key));
  }

  /**
   * Reads entities in one call.
   *
   * @param keys complete keys (at most 500)
   * @return the entities found, by key in the order of {@code keys}; missing keys are absent
   */
  public Map<Key, Entity> getAll(Collection<Key> keys) {
    Map<Key, Entity> found = new LinkedHashMap<>();
    if (keys.isEmpty()) {
      return found;
    }
    Map<String, Object> answer = client.call("datastore/get", Map.of("keys", DatastoreCodec.encodeKeys(keys)));
    List<Object> entities = JsonFields.list(JsonFields.member(answer, "found", "the answer to datastore/get"), "found");
    Map<Key, Entity> byKey = new LinkedHashMap<>();
    for (int i = 0; i < entities.size(); i++) {
      Entity entity = DatastoreCodec.decodeEntity(entities.get(i), "found[" + i + "]");
      byKey.put(entity.key(), entity);
    }
    for (Key key : keys) {
      Entity entity = byKey.get(key);
      if (entity != null) {
        found.put(key, entity);
      }
    }
    return found;
  }

  /**
   * Writes one entity, replacing any entity with the same key. The entity's key (with the
   * allocated id, for an incomplete key) and version are updated.
   *
   * @param entity the entity
   * @return its complete key
   */
  public Key put(Entity entity) {
    return putAll(List.of(entity)).get(0);
  }

  /**
   * Writes entities in one call (all or none). Their keys and versions are updated.
   *
   * @param entities the entities (at most 500)
   * @return their complete keys, in order
   */
  public List<Key> putAll(Collection<Entity> entities) {
    if (entities.isEmpty()) {
      return List.of();
    }
    List<Entity> list = new ArrayList<>(entities);
    List<Object> json = new ArrayList<>();
    for (Entity entity : list) {
      json.add(DatastoreCodec.encodeEntity(entity));
    }
    Map<String, Object> answer = client.call("datastore/put", Map.of("entities", json));
    return assignWritten(list, answer, "datastore/put");
  }

  /**
   * Deletes one entity; deleting a missing entity is not an error.
   *
   * @param key a complete key
   * @return true if the entity existed
   */
  public boolean delete(Key key) {
    return deleteAll(List.of(key)) > 0;
  }

  /**
   * Deletes entities in one call.
   *
   * @param keys complete keys (at most 500)
   * @return how many existed
   */
  public int deleteAll(Collection<Key> keys) {
    if (keys.isEmpty()) {
      return 0;
    }
    Map<String, Object> answer = client.call("datastore/delete", Map.of("keys", DatastoreCodec.encodeKeys(keys)));
    return JsonFields.smallInteger(JsonFields.member(answer, "deleted", "the answer to datastore/delete"), "deleted");
  }

  /**
   * Runs a query and returns one page.
   *
   * @param query the query
   * @return the page, with a cursor when more may follow
   */
  public QueryResult query(Query query) {
    Map<String, Object> answer = client.call("datastore/query", Map.of("query", query.toJson()));
    List<Object> json = JsonFields.list(JsonFields.member(answer, "entities", "the answer to datastore/query"),
        "entities");
    List<Entity> entities = new ArrayList<>(json.size());
    for (int i = 0; i < json.size(); i++) {
      entities.add(DatastoreCodec.decodeEntity(json.get(i), "entities[" + i + "]"));
    }
    return new QueryResult(entities, JsonFields.stringOrNull(answer.get("cursor"), "cursor"));
  }

  /**
   * Applies a commit: its puts and deletes happen together, only if every expected version
   * still holds. The puts' keys and versions are updated.
   *
   * @param commit the commit
   * @return the complete keys of the puts, in order
   * @throws ConflictException when an expected version no longer holds; nothing was written
   */
  public List<Key> commit(Commit commit) {
    Map<String, Object> answer = client.call("datastore/commit", commit.toJson());
    return assignWritten(commit.puts(), answer, "datastore/commit");
  }

  /**
   * Runs {@code work} in an optimistic transaction: its reads remember versions, its writes are
   * committed together when it returns, and only if nothing it read changed meanwhile. On a
   * conflict it runs {@code work} again with fresh reads, {@value #TRANSACTION_ATTEMPTS} times in all, so
   * {@code work} must have no other side effects. An exception thrown by {@code work} ends the
   * transaction without writing.
   *
   * @param <T> what {@code work} returns
   * @param work the reads and writes, given a fresh {@link Transaction} on every attempt
   * @return what the successful attempt of {@code work} returned
   * @throws ConflictException when every attempt conflicted
   */
  public <T> T transaction(Function<Transaction, T> work) {
    for (int attempt = 1; ; attempt++) {
      Transaction transaction = new Transaction(this);
      T result = work.apply(transaction);
      if (transaction.commit().isEmpty()) {
        return result;
      }
      try {
        commit(transaction.commit());
        return result;
      } catch (ConflictException e) {
        if (attempt >= TRANSACTION_ATTEMPTS) {
          throw e;
        }
        backOff(attempt, e);
      }
    }
  }

  /** A short random pause so that racing transactions do not collide again at once. */
  private static void backOff(int attempt, ConflictException conflict) {
    long bound = Math.min(200, 10L << (attempt - 1));
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(bound + 1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw conflict;
    }
  }

  private static List<Key> assignWritten(List<Entity> entities, Map<String, Object> answer, String operation) {
    String what = "the answer to " + operation;
    List<Object> keys = JsonFields.list(JsonFields.member(answer, "keys", what), "keys");
    List<Object> versions = JsonFields.list(JsonFields.member(answer, "versions", what), "versions");
    if (keys.size() != entities.size() || versions.size() != entities.size()) {
      throw new SlipwayException(200, SlipwayException.INVALID_RESPONSE, what + " has " + keys.size() + " keys and "
          + versions.size() + " versions for " + entities.size() + " entities");
    }
    List<Key> result = new ArrayList<>(keys.size());
    for (int i = 0; i < keys.size(); i++) {
      Key key = DatastoreCodec.decodeKey(keys.get(i), "keys[" + i + "]");
      entities.get(i).assign(key, DatastoreCodec.parseInt64(versions.get(i), "versions[" + i + "]"));
      result.add(key);
    }
    return List.copyOf(result);
  }
}
