package dev.slipway.sdk;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A query on one kind. Immutable: every method returns a new query, so a base query can be
 * shared and paged.
 *
 * <pre>{@code
 * Query open = Query.kind("Task").filter("done", Op.EQ, false).order("due", Direction.DESC).limit(20);
 * QueryResult page = datastore.query(open);
 * QueryResult next = datastore.query(open.startCursor(page.cursor()));
 * }</pre>
 *
 * <p>Filter on {@code "__key__"} with a {@link Key} value to filter by key. Queries with several
 * filters or orders may need a composite index declared in {@code slipway.json}.
 */
public final class Query {
  /** A filter's comparison. */
  public enum Op {
    /** Equal ({@code =}). */
    EQ("="),
    /** Not equal ({@code !=}). */
    NE("!="),
    /** Less than ({@code <}). */
    LT("<"),
    /** Less than or equal ({@code <=}). */
    LE("<="),
    /** Greater than ({@code >}). */
    GT(">"),
    /** Greater than or equal ({@code >=}). */
    GE(">="),
    /** Equal to one of a list's values ({@code in}); the value must be a {@code List}. */
    IN("in");

    private final String symbol;

    Op(String symbol) {
      this.symbol = symbol;
    }

    /**
     * The operator as the protocol writes it.
     *
     * @return such as {@code "<="}
     */
    public String symbol() {
      return symbol;
    }
  }

  /** A sort direction. */
  public enum Direction {
    /** Smallest first. */
    ASC,
    /** Largest first. */
    DESC
  }

  private final String kind;
  private final List<Map<String, Object>> filters;
  private final List<Map<String, Object>> orders;
  private final Integer limit;
  private final String cursor;
  private final boolean keysOnly;

  private Query(String kind, List<Map<String, Object>> filters, List<Map<String, Object>> orders, Integer limit,
      String cursor, boolean keysOnly) {
    this.kind = kind;
    this.filters = filters;
    this.orders = orders;
    this.limit = limit;
    this.cursor = cursor;
    this.keysOnly = keysOnly;
  }

  /**
   * A query for every entity of a kind.
   *
   * @param kind the kind
   * @return the query
   */
  public static Query kind(String kind) {
    return new Query(Objects.requireNonNull(kind, "kind"), List.of(), List.of(), null, null, false);
  }

  /**
   * Adds a filter; all filters must hold.
   *
   * @param property the property's name, or {@code "__key__"}
   * @param op the comparison
   * @param value a value as {@link Entity#set(String, Object)} takes it; a {@code List} for
   *     {@link Op#IN}
   * @return a new query with the filter
   * @throws IllegalArgumentException for a value that cannot be stored, or {@code IN} without a list
   */
  public Query filter(String property, Op op, Object value) {
    Objects.requireNonNull(property, "property");
    Objects.requireNonNull(op, "op");
    Object normalized = DatastoreCodec.normalize(value, "the filter on \"" + property + "\"");
    if (op == Op.IN && !(normalized instanceof List)) {
      throw new IllegalArgumentException("the IN filter on \"" + property + "\" needs a List of values");
    }
    Map<String, Object> filter = new LinkedHashMap<>();
    filter.put("property", property);
    filter.put("op", op.symbol());
    filter.put("value", DatastoreCodec.encodeValue(normalized));
    return new Query(kind, append(filters, filter), orders, limit, cursor, keysOnly);
  }

  /**
   * Adds a sort order; earlier orders take precedence.
   *
   * @param property the property's name, or {@code "__key__"}
   * @param direction the direction
   * @return a new query with the order
   */
  public Query order(String property, Direction direction) {
    Map<String, Object> order = new LinkedHashMap<>();
    order.put("property", Objects.requireNonNull(property, "property"));
    order.put("direction", direction == Direction.DESC ? "desc" : "asc");
    return new Query(kind, filters, append(orders, order), limit, cursor, keysOnly);
  }

  /**
   * Adds a sort order.
   *
   * @param property the property's name
   * @param descending true for largest first
   * @return a new query with the order
   */
  public Query order(String property, boolean descending) {
    return order(property, descending ? Direction.DESC : Direction.ASC);
  }

  /**
   * Returns at most this many entities per page (the platform allows 1–1000; default 100).
   *
   * @param limit the page size
   * @return a new query with the limit
   */
  public Query limit(int limit) {
    return new Query(kind, filters, orders, limit, cursor, keysOnly);
  }

  /**
   * Continues after the previous page of the same query.
   *
   * @param cursor {@link QueryResult#cursor()} of the previous page; {@code null} starts over
   * @return a new query starting at the cursor
   */
  public Query startCursor(String cursor) {
    return new Query(kind, filters, orders, limit, cursor, keysOnly);
  }

  /**
   * Returns keys only: entities without properties, which is cheaper.
   *
   * @return a new keys-only query
   */
  public Query keysOnly() {
    return new Query(kind, filters, orders, limit, cursor, true);
  }

  /**
   * The kind queried.
   *
   * @return the kind
   */
  public String kindName() {
    return kind;
  }

  /** The {@code query} member of a {@code datastore/query} request. */
  Map<String, Object> toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("kind", kind);
    if (!filters.isEmpty()) {
      json.put("filters", filters);
    }
    if (!orders.isEmpty()) {
      json.put("orders", orders);
    }
    if (limit != null) {
      json.put("limit", limit);
    }
    if (cursor != null) {
      json.put("cursor", cursor);
    }
    if (keysOnly) {
      json.put("keysOnly", true);
    }
    return json;
  }

  /** The query as JSON, for logs. */
  @Override
  public String toString() {
    return Json.write(toJson());
  }

  private static List<Map<String, Object>> append(List<Map<String, Object>> list, Map<String, Object> item) {
    List<Map<String, Object>> copy = new ArrayList<>(list);
    copy.add(Collections.unmodifiableMap(item));
    return Collections.unmodifiableList(copy);
  }
}
