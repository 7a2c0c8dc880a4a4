package dev.slipway.sdk;

import java.util.List;

/** One page of a query's results. */
public final class QueryResult {
  private final List<Entity> entities;
  private final String cursor;

  QueryResult(List<Entity> entities, String cursor) {
    this.entities = List.copyOf(entities);
    this.cursor = cursor;
  }

  /**
   * The entities of this page, in the query's order.
   *
   * @return an unmodifiable list
   */
  public List<Entity> entities() {
    return entities;
  }

  /**
   * Where the next page starts: pass it to {@link Query#startCursor(String)}.
   *
   * @return the cursor, or {@code null} when no more results follow
   */
  public String cursor() {
    return cursor;
  }

  /**
   * Whether more results may follow.
   *
   * @return true when {@link #cursor()} is not null
   */
  public boolean hasMore() {
    return cursor != null;
  }
}
