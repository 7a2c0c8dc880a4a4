package dev.slipway.sdk;

import java.util.Objects;

/**
 * An entity's key: a kind and either a name or a numeric id. An incomplete key (kind only) is
 * given an id by {@link Datastore#put(Entity)}. Immutable.
 *
 * <pre>{@code
 * Key.of("Task", "weekly-report");   // named
 * Key.of("Task", 17);                // by id
 * Key.incomplete("Task");            // id allocated on put
 * }</pre>
 */
public final class Key {
  private final String kind;
  private final String name;
  private final Long id;

  private Key(String kind, String name, Long id) {
    this.kind = Objects.requireNonNull(kind, "kind");
    this.name = name;
    this.id = id;
  }

  /**
   * A key with a name.
   *
   * @param kind the kind: a letter, then letters, digits or {@code _} (checked by the platform)
   * @param name the name, 1–500 characters
   * @return the key
   */
  public static Key of(String kind, String name) {
    return new Key(kind, Objects.requireNonNull(name, "name"), null);
  }

  /**
   * A key with a numeric id.
   *
   * @param kind the kind
   * @param id the id, 1 or more
   * @return the key
   */
  public static Key of(String kind, long id) {
    return new Key(kind, null, id);
  }

  /**
   * A key without name or id; {@code put} allocates an id.
   *
   * @param kind the kind
   * @return the incomplete key
   */
  public static Key incomplete(String kind) {
    return new Key(kind, null, null);
  }

  /**
   * The kind, such as {@code "Task"}.
   *
   * @return the kind
   */
  public String kind() {
    return kind;
  }

  /**
   * The name.
   *
   * @return the name, or {@code null} for a key with an id or an incomplete key
   */
  public String name() {
    return name;
  }

  /**
   * The numeric id.
   *
   * @return the id, or {@code null} for a named or incomplete key
   */
  public Long id() {
    return id;
  }

  /**
   * Whether the key has a name or an id.
   *
   * @return false for an incomplete key
   */
  public boolean isComplete() {
    return name != null || id != null;
  }

  @Override
  public boolean equals(Object other) {
    if (!(other instanceof Key)) {
      return false;
    }
    Key key = (Key) other;
    return kind.equals(key.kind) && Objects.equals(name, key.name) && Objects.equals(id, key.id);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, name, id);
  }

  /** Reads like {@code Task("weekly-report")}, {@code Task(17)} or {@code Task(?)}. */
  @Override
  public String toString() {
    return kind + "(" + (name != null ? "\"" + name + "\"" : id != null ? id.toString() : "?") + ")";
  }
}
