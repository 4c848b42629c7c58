package dev.agentcli.config;

import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The operator's files checked as sshd's StrictModes checks a user's. The configuration (the path
 * as given, a link included, and what it resolves to), the manifests folder and each manifest, the
 * trust store, and every folder above each: owned by root, the configuration's owner or the user
 * agentcli runs as, and writable by no one else. The state (the database, the anchors file, the
 * password file, and the folders above each), whose owner is the service user: writable by no other
 * user, and by its group only when agentcli's user is in that group (the deployment's state folder
 * is shared by the service user and the people who approve). Sticky folders such as {@code /tmp}
 * aside. One that fails is {@code config_invalid} (78) and nothing runs: an agent that can write
 * any of them could add a manifest that runs unasked, trust its own key, or rewrite the history.
 */
public final class StrictModes {
  private StrictModes() {}

  /** Checks every file {@code c} rests on; the paths checked, in order. */
  public static List<Path> check(OperatorConfig c) {
    Set<Integer> trusted = new LinkedHashSet<>(List.of(0, uid(Path.of("/proc/self"))));
    Set<Integer> groups = groups(); // for the state only (see below)
    List<Path> files = new ArrayList<>(List.of(c.file()));
    try {
      trusted.add(uid(c.file().toRealPath()));
    } catch (IOException e) {
      throw invalid(c.file(), c.file() + " cannot be resolved: " + e.getMessage());
    }
    files.add(c.manifests());
    if (Files.isDirectory(c.manifests())) {
      try (DirectoryStream<Path> manifests = Files.newDirectoryStream(c.manifests())) {
        manifests.forEach(files::add);
      } catch (IOException e) {
        throw invalid(c.file(), "the manifests folder cannot be listed: " + e.getMessage());
      }
    }
    files.add(c.allowedSigners());
    // The state is the service user's, whom agentcli cannot name: its owner is not checked, only
    // that no other user (and no group agentcli's user is not in) may write it.
    List<Path> state = new ArrayList<>(List.of(c.auditAnchors()));
    if (c.database() != null) {
      state.add(c.database());
    }
    if (c.databasePasswordFile() != null) {
      state.add(c.databasePasswordFile());
    }
    Set<Path> checked = new LinkedHashSet<>();
    for (Path f : state) {
      chain(c.file(), f.toAbsolutePath(), null, groups, checked);
    }
    groups = Set.of(); // what the configuration names is root's or the operator's alone
    for (Path f : files) {
      chain(c.file(), f.toAbsolutePath(), trusted, groups, checked);
      if (Files.exists(f)) {
        try {
          // What a link leads to, and its folders.
          chain(c.file(), f.toRealPath(), trusted, groups, checked);
        } catch (IOException e) {
          throw invalid(c.file(), f + " cannot be resolved: " + e.getMessage());
        }
      }
    }
    return List.copyOf(checked);
  }

  /**
   * {@code p} (when it exists) and every folder above it, each as it is (a link not followed);
   * {@code trusted} owners, or any owner when null.
   */
  private static void chain(
      Path config, Path p, Set<Integer> trusted, Set<Integer> groups, Set<Path> checked) {
    for (Path q = p; q != null; q = q.getParent()) {
      if (!Files.exists(q, LinkOption.NOFOLLOW_LINKS)) {
        continue;
      }
      one(config, q, trusted, groups);
      checked.add(q);
    }
  }

  private static void one(Path config, Path p, Set<Integer> trusted, Set<Integer> groups) {
    Map<String, Object> a;
    try {
      a = Files.readAttributes(p, "unix:mode,uid,gid", LinkOption.NOFOLLOW_LINKS);
    } catch (IOException | UnsupportedOperationException e) {
      throw invalid(
          config, "cannot read the owner and permissions of " + p + ": " + e.getMessage());
    }
    int mode = (Integer) a.get("mode");
    int uid = (Integer) a.get("uid");
    if (Files.isSymbolicLink(p)) {
      return; // a link's own mode means nothing; its folder and its target are checked
    }
    boolean sticky = (mode & 01000) != 0 && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
    boolean groupOk = groups.contains((Integer) a.get("gid"));
    if (((mode & 0002) != 0 || ((mode & 0020) != 0 && !groupOk)) && !sticky) {
      throw invalid(
          config,
          p
              + " is writable by "
              + ((mode & 0002) != 0 ? "every user" : "its group")
              + ": only its owner may be able to change what the operator's configuration rests on");
    }
    if (trusted != null && !trusted.contains(uid)) {
      throw invalid(
          config,
          p
              + " is owned by uid "
              + uid
              + ", neither root, the configuration's owner nor the user agentcli runs as");
    }
  }

  /** Root's group and the groups of the user agentcli runs as ({@code /proc/self/status}). */
  private static Set<Integer> groups() {
    Set<Integer> groups = new LinkedHashSet<>(List.of(0));
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Groups:") || line.startsWith("Gid:")) {
          for (String g : line.substring(line.indexOf(':') + 1).trim().split("\\s+")) {
            if (!g.isEmpty()) {
              groups.add(Integer.parseInt(g));
            }
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // only root's group, then
    }
    return groups;
  }

  private static int uid(Path p) {
    try {
      return (Integer) Files.getAttribute(p, "unix:uid");
    } catch (IOException | UnsupportedOperationException e) {
      return 0;
    }
  }

  private static AgentCliException invalid(Path config, String why) {
    return new AgentCliException(
        ErrorCode.CONFIG_INVALID,
        "the operator configuration " + config + " is not usable, so nothing runs: " + why,
        Map.of("config", config.toString()));
  }
}
