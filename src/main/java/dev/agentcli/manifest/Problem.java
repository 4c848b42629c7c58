package dev.agentcli.manifest;

/**
 * One thing wrong with a manifest, located by its JSON path (for example {@code
 * $.workflows[0].id}).
 */
public record Problem(String path, String message) {
  @Override
  public String toString() {
    return path + ": " + message;
  }
}
