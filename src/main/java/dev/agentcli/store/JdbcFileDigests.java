package dev.agentcli.store;

import dev.agentcli.codec.Timestamps;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.manifest.FileDigests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * File digests remembered in the {@code file_digests} table by the file's identity (device, inode,
 * size, mtime, ctime). A file changed less than {@link #SETTLED} before it was read is never
 * remembered: its timestamps may not yet show a write made in the same clock tick. New digests are
 * written only by {@link #remember()}, once the command's own write succeeded, so that a refused
 * command leaves the database as it was.
 */
public final class JdbcFileDigests implements FileDigests {
  static final Duration SETTLED = Duration.ofSeconds(2);

  private final Database db;
  private final Clock clock;
  private final Map<Path, Pending> pending = new LinkedHashMap<>();

  private record Pending(Identity identity, String digest) {}

  public JdbcFileDigests(Database db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  private record Identity(long device, long inode, long size, long mtimeNs, long ctimeNs) {}

  @Override
  public String of(Path file) {
    Path real;
    Identity before;
    try {
      real = file.toRealPath();
      before = identity(real);
    } catch (IOException | RuntimeException e) {
      return DIRECT.of(file);
    }
    if (before == null) {
      return null;
    }
    String cached = lookup(real, before);
    if (cached != null) {
      return cached;
    }
    String digest = DIRECT.of(real);
    try {
      Identity after = identity(real);
      long settledNs = TimeUnit.MILLISECONDS.toNanos(clock.millis() - SETTLED.toMillis());
      if (digest != null
          && before.equals(after)
          && after.mtimeNs() < settledNs
          && after.ctimeNs() < settledNs) {
        pending.put(real, new Pending(after, digest));
      }
    } catch (IOException | RuntimeException notRemembered) {
      // The digest is right; it is only not kept for next time.
    }
    return digest;
  }

  private static Identity identity(Path real) throws IOException {
    if (!Files.isRegularFile(real)) {
      return null;
    }
    Map<String, Object> a = Files.readAttributes(real, "unix:dev,ino,size,lastModifiedTime,ctime");
    return new Identity(
        ((Number) a.get("dev")).longValue(),
        ((Number) a.get("ino")).longValue(),
        ((Number) a.get("size")).longValue(),
        ((FileTime) a.get("lastModifiedTime")).to(TimeUnit.NANOSECONDS),
        ((FileTime) a.get("ctime")).to(TimeUnit.NANOSECONDS));
  }

  private String lookup(Path real, Identity id) {
    return db.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT sha256 FROM file_digests WHERE path = ? AND device = ? AND inode = ?"
                      + " AND size = ? AND mtime_ns = ? AND ctime_ns = ?")) {
            ps.setString(1, real.toString());
            ps.setLong(2, id.device());
            ps.setLong(3, id.inode());
            ps.setLong(4, id.size());
            ps.setLong(5, id.mtimeNs());
            ps.setLong(6, id.ctimeNs());
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? rs.getString(1) : null;
            }
          }
        });
  }

  /** Writes the digests read since the last call, for the next run to use. */
  public void remember() {
    if (pending.isEmpty()) {
      return;
    }
    try {
      db.inTransaction(
          c -> {
            try (PreparedStatement ps =
                c.prepareStatement(
                    "INSERT INTO file_digests (path, device, inode, size, mtime_ns, ctime_ns,"
                        + " sha256, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                        + " ON CONFLICT (path) DO UPDATE SET device = excluded.device,"
                        + " inode = excluded.inode, size = excluded.size,"
                        + " mtime_ns = excluded.mtime_ns, ctime_ns = excluded.ctime_ns,"
                        + " sha256 = excluded.sha256, recorded_at = excluded.recorded_at")) {
              for (Map.Entry<Path, Pending> e : pending.entrySet()) {
                Identity id = e.getValue().identity();
                ps.setString(1, e.getKey().toString());
                ps.setLong(2, id.device());
                ps.setLong(3, id.inode());
                ps.setLong(4, id.size());
                ps.setLong(5, id.mtimeNs());
                ps.setLong(6, id.ctimeNs());
                ps.setString(7, e.getValue().digest());
                ps.setString(8, Timestamps.format(Instant.ofEpochMilli(clock.millis())));
                ps.executeUpdate();
              }
              return null;
            }
          });
      pending.clear();
    } catch (AgentCliException busyOrFull) {
      // Remembering is an optimisation: a busy or full database only costs a read next time.
    }
  }
}
