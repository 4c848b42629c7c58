package dev.agentcli.manifest;

import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Resolves a program the way {@code execvp} would: a name with a slash is a path from the working
 * directory; a bare name is looked up in the child's {@code PATH}. The result is a real path, so a
 * symlink that is re-pointed later changes the binding.
 */
final class ProgramLocator {
  private ProgramLocator() {}

  static Path locate(String program, Path cwd, String path) {
    Path nonExecutable = null;
    try {
      if (program.contains("/")) {
        Path candidate = cwd.resolve(program);
        if (Files.isRegularFile(candidate)) {
          if (Files.isExecutable(candidate)) {
            return candidate.toRealPath();
          }
          nonExecutable = candidate;
        }
      } else if (path != null) {
        for (String dir : path.split(":", -1)) {
          Path candidate = cwd.resolve(dir.isEmpty() ? "." : dir).resolve(program);
          if (Files.isRegularFile(candidate)) {
            if (Files.isExecutable(candidate)) {
              return candidate.toRealPath();
            }
            if (nonExecutable == null) {
              nonExecutable = candidate;
            }
          }
        }
      }
    } catch (IOException | InvalidPathException e) {
      throw notFound(program, path);
    }
    if (nonExecutable != null) {
      throw new AgentCliException(
          ErrorCode.PROGRAM_NOT_EXECUTABLE,
          "program " + nonExecutable + " is not executable",
          Map.of("program", program, "path", nonExecutable.toString()));
    }
    throw notFound(program, path);
  }

  private static AgentCliException notFound(String program, String path) {
    String where = program.contains("/") ? "" : " in PATH " + path;
    return new AgentCliException(
        ErrorCode.PROGRAM_NOT_FOUND,
        "program '" + program + "' not found" + where,
        Map.of("program", program));
  }
}
