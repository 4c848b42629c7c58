package dev.agentcli.manifest;

import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds and reads a manifest named on the command line: a path (it has a {@code /}), {@code -} for
 * stdin, or a bare name, which is looked up only under the manifests folder (with or without {@code
 * .json}), never in the working directory, so that a file the caller drops there cannot shadow it.
 * When the operator pins the manifests folder, only names are accepted.
 */
public final class ManifestLoader {
  /** Larger manifests are refused before they are parsed. */
  public static final int MAX_BYTES = 16 * 1024 * 1024;

  private final Path cwd;
  private final Path manifestsDir;
  private final InputStream stdin;
  private final boolean namesOnly;

  /**
   * @param namesOnly only bare names under {@code manifestsDir} are accepted (the operator pinned
   *     the folder); a path or stdin is refused with {@code config_override_refused}
   */
  public ManifestLoader(Path cwd, Path manifestsDir, InputStream stdin, boolean namesOnly) {
    this.cwd = cwd;
    this.manifestsDir = manifestsDir;
    this.stdin = stdin;
    this.namesOnly = namesOnly;
  }

  /** Reads and parses the manifest, throwing {@code manifest_invalid} with every problem. */
  public Manifest load(String argument) {
    Source source = read(argument);
    return ManifestParser.parse(source.bytes(), source.name(), source.baseDir());
  }

  /** The raw bytes of a manifest and where they came from. */
  public record Source(String name, Path baseDir, byte[] bytes) {}

  /** Reads the manifest's bytes without parsing them. */
  public Source read(String argument) {
    if (namesOnly && (argument.equals("-") || argument.contains("/"))) {
      throw new AgentCliException(
          ErrorCode.CONFIG_OVERRIDE_REFUSED,
          "the operator configuration pins the manifests folder "
              + manifestsDir
              + ": name a manifest in it, not a path or stdin ('"
              + argument
              + "')",
          Map.of("override", "manifest", "value", argument));
    }
    if (argument.equals("-")) {
      return new Source("<stdin>", cwd, readBounded(stdin, "<stdin>"));
    }
    Path file = locate(argument);
    if (!Files.isRegularFile(file)) {
      throw new AgentCliException(
          ErrorCode.MANIFEST_UNREADABLE,
          "manifest " + file + " is not a regular file",
          Map.of("manifest", file.toString()));
    }
    try (InputStream in = Files.newInputStream(file)) {
      Path real = file.toRealPath();
      return new Source(file.toString(), real.getParent(), readBounded(in, file.toString()));
    } catch (NoSuchFileException e) {
      throw notFound(argument, List.of(file));
    } catch (AccessDeniedException e) {
      throw unreadable(file, "permission denied", e);
    } catch (IOException e) {
      throw unreadable(file, e.getMessage(), e);
    }
  }

  private Path locate(String argument) {
    if (argument.isEmpty() || argument.indexOf('\0') >= 0) {
      throw new AgentCliException(
          ErrorCode.INPUT_INVALID, "the manifest argument is empty or invalid");
    }
    if (argument.contains("/")) {
      Path asPath = cwd.resolve(argument);
      if (!Files.exists(asPath)) {
        throw notFound(argument, List.of(asPath));
      }
      return asPath;
    }
    if (argument.equals(".") || argument.equals("..")) {
      throw notFound(argument, List.of(manifestsDir.resolve(argument)));
    }
    Path named = manifestsDir.resolve(argument);
    Path namedJson = manifestsDir.resolve(argument + ".json");
    if (Files.exists(named)) {
      return named;
    }
    if (Files.exists(namedJson)) {
      return namedJson;
    }
    AgentCliException missing = notFound(argument, List.of(named, namedJson));
    if (!Files.exists(cwd.resolve(argument))) {
      throw missing;
    }
    // Said, never done: a file in the working directory is used only when named as a path.
    Map<String, Object> details = new LinkedHashMap<>(missing.details());
    details.put("hint", "for the file in this folder, write ./" + argument);
    throw new AgentCliException(
        missing.code(),
        missing.getMessage()
            + " in "
            + manifestsDir
            + " (for the file in this folder, write ./"
            + argument
            + ")",
        details);
  }

  private static byte[] readBounded(InputStream in, String name) {
    try {
      byte[] bytes = in.readNBytes(MAX_BYTES + 1);
      if (bytes.length > MAX_BYTES) {
        throw new AgentCliException(
            ErrorCode.MANIFEST_INVALID,
            "manifest " + name + " is larger than " + MAX_BYTES + " bytes",
            Map.of("manifest", name, "max_bytes", MAX_BYTES));
      }
      return bytes;
    } catch (IOException e) {
      throw unreadable(Path.of(name), e.getMessage(), e);
    }
  }

  private static AgentCliException notFound(String argument, List<Path> tried) {
    return new AgentCliException(
        ErrorCode.MANIFEST_NOT_FOUND,
        "manifest '" + argument + "' not found",
        Map.of("manifest", argument, "tried", tried.stream().map(Path::toString).toList()));
  }

  private static AgentCliException unreadable(Path file, String why, IOException cause) {
    return new AgentCliException(
        ErrorCode.MANIFEST_UNREADABLE,
        "cannot read manifest " + file + ": " + why,
        Map.of("manifest", file.toString()),
        cause);
  }
}
