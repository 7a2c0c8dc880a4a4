package dev.slipway.sdk;

import java.util.List;

/**
 * A user of the app's tenant.
 *
 * @param id the user's stable id
 * @param name the display name
 * @param email the e-mail address
 * @param roles the user's roles in the app, such as {@code "manager"}
 */
public record User(String id, String name, String email, List<String> roles) {
  /**
   * Creates a user; the roles are copied.
   *
   * @param id the user's stable id
   * @param name the display name
   * @param email the e-mail address
   * @param roles the user's roles
   */
  public User {
    roles = List.copyOf(roles);
  }

  /**
   * Whether the user has a role.
   *
   * @param role the role, such as {@code "manager"}
   * @return true if {@link #roles()} contains it
   */
  public boolean hasRole(String role) {
    return roles.contains(role);
  }
}
