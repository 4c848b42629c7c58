package dev.agentcli.audit;

import dev.agentcli.codec.Json;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A file of anchors outside the database, one JSON object a line ({@code {"id", "hash",
 * "anchored_at"}}, and {@code "before_approval"} for the head just before an approval's event),
 * only ever appended to: by every approval, claim and revocation (the decisions that must stay
 * final), and by {@code audit anchor}. The claim checks the newest anchor before it consumes
 * anything, and {@code audit verify} checks them all, so a trail rewritten or truncated after an
 * anchor was taken is caught without a manual step.
 */
public final class AnchorFile {
  /** The newest anchor is looked for in this many bytes at the end of the file. */
  private static final int TAIL_BYTES = 4096;

  /** A bisection stops once this many bytes are left, which are then read in one go. */
  private static final int SCAN_BYTES = 64 * 1024;

  private final Path file;

  public AnchorFile(Path file) {
    this.file = file;
  }

  public Path path() {
    return file;
  }

  public boolean exists() {
    return Files.exists(file, LinkOption.NOFOLLOW_LINKS);
  }

  /** Appends {@code anchor} (the file is created 0600). Written, not synced: it is evidence. */
  public void append(Anchor anchor) {
    if (Files.isSymbolicLink(file)) {
      throw invalid("it is a symbolic link");
    }
    byte[] line = (Json.compact(anchor.toMap()) + "\n").getBytes(StandardCharsets.UTF_8);
    try {
      // Beside a SQLite database its folder exists; a PostgreSQL store leaves it to this file.
      Path dir = file.toAbsolutePath().getParent();
      if (!Files.exists(dir)) {
        Files.createDirectories(
            dir,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      }
    } catch (IOException e) {
      throw invalid(e.toString());
    }
    try (FileChannel ch =
        FileChannel.open(
            file,
            Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
      ch.write(ByteBuffer.wrap(line));
    } catch (IOException e) {
      throw invalid(e.toString());
    }
  }

  /**
   * Appends {@code anchor} to the file if it exists and this process may write it; otherwise
   * nothing (the file is the claimers' to create: one an approver created would be theirs alone): a
   * claim then starts from the anchors taken by time.
   */
  public void offer(Anchor anchor) {
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || !Files.isWritable(file)) {
      return;
    }
    try {
      append(anchor);
    } catch (AgentCliException notWritable) {
      // nothing to add
    }
  }

  /** The last anchor of the file; empty when there is no file or no anchor yet. */
  public Optional<Anchor> latest() {
    if (!exists()) {
      return Optional.empty();
    }
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
      long length = raf.length();
      int n = (int) Math.min(length, TAIL_BYTES);
      byte[] tail = new byte[n];
      raf.seek(length - n);
      raf.readFully(tail);
      String[] lines = new String(tail, StandardCharsets.UTF_8).split("\n");
      for (int i = lines.length - 1; i >= (n < length ? 1 : 0); i--) {
        if (!lines[i].isBlank()) {
          return Optional.of(Anchor.parse(lines[i]));
        }
      }
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      throw invalid("its last line is not an anchor: " + e.getMessage());
    }
  }

  /**
   * Where a claim of the grant {@code approvalId}, approved at {@code grantedAt}, starts to verify
   * the trail: the anchor its approval wrote just before its event, when there is one within {@code
   * margin} of that time; else the newest anchor taken before {@code grantedAt - margin}. Either
   * was recorded before the grant's approval event, outside the database.
   */
  public Optional<Anchor> startFor(String approvalId, Instant grantedAt, Duration margin) {
    Instant from = grantedAt.minus(margin);
    Instant to = grantedAt.plus(margin);
    if (!exists()) {
      return Optional.empty();
    }
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
      long at = bisect(raf, from);
      Anchor before = null;
      while (at < raf.length()) {
        List<Anchor> window = complete(raf, at, Integer.MAX_VALUE);
        if (window.isEmpty()) {
          break;
        }
        for (Anchor a : window) {
          if (a.anchoredAt().isAfter(to)) {
            return Optional.ofNullable(before).or(() -> lastBefore(from));
          }
          if (approvalId.equals(a.beforeApproval())) {
            before = a;
          }
        }
        at += SCAN_BYTES;
      }
      return Optional.ofNullable(before).or(() -> lastBefore(from));
    } catch (IOException | RuntimeException e) {
      throw invalid("it cannot be searched: " + e.getMessage());
    }
  }

  /**
   * A position at most {@link #SCAN_BYTES} before the first line anchored at {@code t} or later.
   */
  private static long bisect(RandomAccessFile raf, Instant t) throws IOException {
    long lo = 0;
    long hi = raf.length();
    while (hi - lo > SCAN_BYTES) {
      long mid = lo + (hi - lo) / 2;
      List<Anchor> next = complete(raf, mid, 1);
      if (next.isEmpty() || !next.get(0).anchoredAt().isBefore(t)) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    return lo;
  }

  /**
   * The newest anchor taken before {@code t}, found by bisecting the file (anchors are appended in
   * time order), so the cost does not grow with the file; empty when there is none.
   */
  public Optional<Anchor> lastBefore(Instant t) {
    if (!exists()) {
      return Optional.empty();
    }
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
      Anchor found = null;
      for (Anchor a : complete(raf, bisect(raf, t), Integer.MAX_VALUE)) {
        if (!a.anchoredAt().isBefore(t)) {
          break;
        }
        found = a;
      }
      return Optional.ofNullable(found);
    } catch (IOException | RuntimeException e) {
      throw invalid("it cannot be searched: " + e.getMessage());
    }
  }

  /**
   * Up to {@code max} whole lines that start after {@code pos} (at it, for 0), read from at most
   * {@link #SCAN_BYTES} plus a line; a line still being appended (no newline yet) is not one.
   */
  private static List<Anchor> complete(RandomAccessFile raf, long pos, int max) throws IOException {
    byte[] bytes = new byte[(int) Math.min(raf.length() - pos, SCAN_BYTES + TAIL_BYTES)];
    raf.seek(pos);
    raf.readFully(bytes);
    String text = new String(bytes, StandardCharsets.UTF_8);
    List<Anchor> anchors = new ArrayList<>();
    int start = pos == 0 ? 0 : text.indexOf('\n') + 1;
    if (start == 0 && pos > 0) {
      return anchors;
    }
    for (int end = text.indexOf('\n', start);
        end >= 0 && anchors.size() < max;
        start = end + 1, end = text.indexOf('\n', start)) {
      if (end > start) {
        anchors.add(Anchor.parse(text.substring(start, end)));
      }
    }
    return anchors;
  }

  /** Every anchor, oldest first; a line that cannot be read is an error. */
  public List<Anchor> all() {
    List<String> lines;
    try {
      if (exists() && !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        throw invalid("it is not a regular file");
      }
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new AgentCliException(
          ErrorCode.INPUT_INVALID, "no anchors file " + file, Map.of("anchors", file.toString()));
    } catch (IOException e) {
      throw invalid(e.toString());
    }
    List<Anchor> anchors = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).isBlank()) {
        continue;
      }
      try {
        anchors.add(Anchor.parse(lines.get(i)));
      } catch (RuntimeException e) {
        throw invalid("line " + (i + 1) + " is not an anchor");
      }
    }
    return anchors;
  }

  private AgentCliException invalid(String why) {
    return new AgentCliException(
        ErrorCode.INPUT_INVALID,
        "the anchors file " + file + " cannot be used: " + why,
        Map.of("anchors", file.toString()));
  }
}
