package dev.agentcli.approval;

import java.time.Instant;

/**
 * The one rule of every deadline, a grant's {@code expires_at} as a request's: live strictly before
 * it, expired from that instant on. Written here once for Java and once for SQL (a column compared
 * with the instant bound to the next {@code ?}), so that a listing, a claim and a wait never
 * disagree on the boundary.
 */
public final class Expiry {
  private Expiry() {}

  /** Whether what ends at {@code expiresAt} has expired at {@code now}. */
  public static boolean passed(Instant expiresAt, Instant now) {
    return !now.isBefore(expiresAt);
  }

  /** The SQL test that {@code column} is still live at the bound instant. */
  public static String liveSql(String column) {
    return column + " > ?";
  }

  /** The SQL test that {@code column} has passed at the bound instant. */
  public static String passedSql(String column) {
    return column + " <= ?";
  }
}
