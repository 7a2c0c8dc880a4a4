package dev.slipway.sdk;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A Datastore entity: a key and named properties. Mutable and not thread-safe.
 *
 * <pre>{@code
 * Entity task = new Entity(Key.incomplete("Task"))
 *     .set("title", "Order paper")
 *     .set("priority", 2)
 *     .set("due", Instant.now())
 *     .set("tags", List.of("office", "weekly"));
 * Key key = datastore.put(task);         // task.key() now has the allocated id
 * String title = task.getString("title");
 * }</pre>
 *
 * <p>Property values are {@code null}, {@code Long}, {@code Double}, {@code String},
 * {@code Boolean}, {@code Instant} (stored with millisecond precision), {@code byte[]},
 * {@link Key}, or a {@code List} of those (lists cannot contain lists). {@code Integer},
 * {@code Short} and {@code Byte} are stored as {@code Long}, {@code Float} as {@code Double}.
 *
 * <p>Typed getters return {@code null} when the property is absent or null, and throw
 * {@link ClassCastException} naming the property when it holds another type.
 */
public final class Entity {
  private Key key;
  private long version;
  private final Map<String, Object> properties = new LinkedHashMap<>();

  /**
   * A new entity without properties.
   *
   * @param key its key; incomplete to have an id allocated by {@code put}
   */
  public Entity(Key key) {
    this.key = Objects.requireNonNull(key, "key");
  }

  /**
   * The key; complete after a successful {@code put}.
   *
   * @return the key
   */
  public Key key() {
    return key;
  }

  /**
   * The version the Datastore last reported for this entity: set by reads and writes, and
   * increasing with every write. Transactions and {@link Commit#expectVersion(Entity)} use it.
   *
   * @return the version, or 0 for an entity never read or written
   */
  public long version() {
    return version;
  }

  /**
   * Sets a property, replacing any value it had.
   *
   * @param name the property's name
   * @param value the value: see the types on {@link Entity}
   * @return this entity
   * @throws IllegalArgumentException for a type that cannot be stored, a list in a list, a NaN or
   *     infinite double, or an Instant outside the years 0001–9999
   */
  public Entity set(String name, Object value) {
    Objects.requireNonNull(name, "name");
    properties.put(name, DatastoreCodec.normalize(value, "property \"" + name + "\""));
    return this;
  }

  /**
   * Removes a property.
   *
   * @param name the property's name
   * @return this entity
   */
  public Entity remove(String name) {
    properties.remove(name);
    return this;
  }

  /**
   * Whether the entity has a property (possibly null).
   *
   * @param name the property's name
   * @return true if it is set
   */
  public boolean contains(String name) {
    return properties.containsKey(name);
  }

  /**
   * The properties, in the order they were set or read.
   *
   * @return an unmodifiable view; {@code byte[]} values must not be modified
   */
  public Map<String, Object> properties() {
    return Collections.unmodifiableMap(properties);
  }

  /**
   * A property's value, whatever its type.
   *
   * @param name the property's name
   * @return the value, or {@code null} when absent or null
   */
  public Object get(String name) {
    Object value = properties.get(name);
    return value instanceof byte[] ? ((byte[]) value).clone() : value;
  }

  /**
   * A string property.
   *
   * @param name the property's name
   * @return the value, or {@code null} when absent or null
   * @throws ClassCastException when the property holds another type
   */
  public String getString(String name) {
    return typed(name, String.class);
  }

  /**
   * An integer property.
   *
   * @param name the property's name
   * @return the value, or {@code null} when absent or null
   * @throws ClassCastException when the property holds another type (a double is not converted)
   */
  public Long getLong(String name) {
    return typed(name, Long.class);
  }

  /**
   * A double property.
   *
   * @param name the property's name
   * @return the value, or {@code null} when absent or null
   * @throws ClassCastException when the property holds another type (an integer is not converted)
   */
  public Double getDouble(String name) {
    return typed(name, Double.class);
  }

  /**
   * A boolean property.
   *
   * @param name the property's name
   * @return the value, or {@code null} when absent or null
   * @throws ClassCastException when the property holds another type
   */
  public Boolean getBoolean(String name) {
    return typed(name, Boolean.class);
  }

  /**
   * A timestamp property.
   *
   * @param name the property's name
   * @return the value (millisecond precision), or {@code null} when absent or null
   * @throws ClassCastException when the property holds another type
   */
  public Instant getInstant(String name) {
    return typed(name, Instant.class);
  }

  /**
   * A bytes property.
   *
   * @param name the property's name
   * @return a copy of the value, or {@code null} when absent or null
   * @throws ClassCastException when the property holds another type
   */
  public byte[] getBytes(String name) {
    byte[] value = typed(name, byte[].class);
    return value == null ? null : value.clone();
  }

  /**
   * A key property.
   *
   * @param name the property's name
   * @return the value, or {@code null} when absent or null
   * @throws ClassCastException when the property holds another type
   */
  public Key getKey(String name) {
    return typed(name, Key.class);
  }

  /**
   * A list property.
   *
   * @param name the property's name
   * @return the unmodifiable list, or {@code null} when absent or null
   * @throws ClassCastException when the property holds another type
   */
  @SuppressWarnings("unchecked")
  public List<Object> getList(String name) {
    return typed(name, List.class);
  }

  /**
   * A list property whose elements all have one type.
   *
   * @param <T> the element type
   * @param name the property's name
   * @param elementType the element type, such as {@code String.class}
   * @return the unmodifiable list, or {@code null} when absent or null
   * @throws ClassCastException when the property is not a list or an element (other than null)
   *     has another type
   */
  @SuppressWarnings("unchecked")
  public <T> List<T> getList(String name, Class<T> elementType) {
    List<Object> list = getList(name);
    if (list == null) {
      return null;
    }
    for (Object element : list) {
      if (element != null && !elementType.isInstance(element)) {
        throw new ClassCastException("property \"" + name + "\" has a " + typeName(element) + " element, not a "
            + elementType.getSimpleName());
      }
    }
    return (List<T>) (List<?>) list;
  }

  /** Reads like {@code Task(17) v3 {title=Order paper, priority=2}}. */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder().append(key);
    if (version != 0) {
      out.append(" v").append(version);
    }
    out.append(" {");
    boolean first = true;
    for (Map.Entry<String, Object> property : properties.entrySet()) {
      out.append(first ? "" : ", ").append(property.getKey()).append('=');
      Object value = property.getValue();
      out.append(value instanceof byte[] ? "<" + ((byte[]) value).length + " bytes>" : String.valueOf(value));
      first = false;
    }
    return out.append('}').toString();
  }

  /** Sets a value decoded from the wire (already in the normalized form). */
  void setDecoded(String name, Object value) {
    properties.put(name, value);
  }

  /** Records what the Datastore reported after a read or a write. */
  void assign(Key key, long version) {
    this.key = key;
    this.version = version;
  }

  private <T> T typed(String name, Class<T> type) {
    Object value = properties.get(name);
    if (value == null) {
      return null;
    }
    if (!type.isInstance(value)) {
      throw new ClassCastException("property \"" + name + "\" is a " + typeName(value) + ", not a "
          + (type == List.class ? "List" : type.getSimpleName()));
    }
    return type.cast(value);
  }

  private static String typeName(Object value) {
    return value instanceof List ? "List" : value.getClass().getSimpleName();
  }
}
