package dev.agentcli.manifest;

import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Expands one {@code shell.bind_files} entry: a literal path, or a glob ({@code *}, {@code ?},
 * {@code [..]}, {@code {a,b}}, {@code **}) matched against paths relative to the working directory.
 * A file that appears later and matches changes the binding, as an edited one does.
 */
final class BoundFiles {
  /** A glob that matches more files than this is refused: bind a folder's files by name. */
  static final int MAX_FILES = 10_000;

  private BoundFiles() {}

  static List<String> expand(Path cwd, String pattern) {
    if (!isGlob(pattern)) {
      return List.of(pattern);
    }
    // Walk from the longest folder prefix without glob characters.
    String[] parts = pattern.split("/");
    StringBuilder prefix = new StringBuilder();
    int depth = 0;
    for (String part : parts) {
      if (isGlob(part)) {
        break;
      }
      prefix.append(part).append('/');
      depth++;
    }
    Path root = cwd.resolve(prefix.toString());
    int maxDepth = pattern.contains("**") ? Integer.MAX_VALUE : parts.length - depth;
    PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
    List<String> found = new ArrayList<>();
    if (!Files.isDirectory(root)) {
      return found;
    }
    try (Stream<Path> walk = Files.walk(root, maxDepth, new FileVisitOption[0])) {
      walk.filter(Files::isRegularFile)
          .map(cwd::relativize)
          .filter(matcher::matches)
          .forEach(
              p -> {
                if (found.size() >= MAX_FILES) {
                  throw tooMany(pattern);
                }
                found.add(p.toString());
              });
    } catch (IOException | UncheckedIOException e) {
      throw new AgentCliException(
          ErrorCode.CWD_NOT_FOUND,
          "cannot read the files of bind_files pattern '" + pattern + "': " + e.getMessage(),
          Map.of("pattern", pattern));
    }
    return found;
  }

  private static boolean isGlob(String s) {
    return s.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{');
  }

  private static AgentCliException tooMany(String pattern) {
    return new AgentCliException(
        ErrorCode.MANIFEST_INVALID,
        "bind_files pattern '" + pattern + "' matches more than " + MAX_FILES + " files",
        Map.of("pattern", pattern));
  }
}
