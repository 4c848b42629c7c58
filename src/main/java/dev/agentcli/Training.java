package dev.agentcli;

import dev.agentcli.cli.AgentCli;
import dev.agentcli.cli.Context;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * The launcher's training run for the start-up cache: several commands in one JVM, separated by
 * {@code ::}, so that the cache holds the classes (and the linked lambdas) of each of them, not
 * only of the first. Output is discarded; a failing command does not stop the others.
 *
 * <p>A connection to a PostgreSQL store cannot be trained without a server, so the classes a
 * connection and a claim need from its driver ({@link #DRIVER_PACKAGES}) are loaded by name: in the
 * cache, they are not read, parsed and verified from the jar on every run.
 */
public final class Training {
  private Training() {}

  /** The driver's packages a connection, its SCRAM login and its queries use. */
  static final List<String> DRIVER_PACKAGES =
      List.of(
          "org/postgresql/core/",
          "org/postgresql/jdbc/",
          "org/postgresql/util/",
          "org/postgresql/ds/",
          "org/postgresql/hostchooser/",
          "org/postgresql/jdbcurlresolver/",
          "org/postgresql/plugin/",
          "org/postgresql/shaded/com/ongres/");

  public static void main(String[] args) {
    PrintWriter none =
        new PrintWriter(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8);
    List<String> command = new ArrayList<>();
    for (int i = 0; i <= args.length; i++) {
      if (i == args.length || args[i].equals("::")) {
        if (!command.isEmpty()) {
          AgentCli.execute(Context.system(), none, none, command.toArray(String[]::new));
        }
        command.clear();
      } else {
        command.add(args[i]);
      }
    }
    loadDriverClasses();
  }

  private static void loadDriverClasses() {
    ClassLoader loader = Training.class.getClassLoader();
    try (JarFile jar =
        new JarFile(
            Path.of(Training.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .toFile())) {
      jar.stream()
          .map(JarEntry::getName)
          .filter(n -> n.endsWith(".class") && DRIVER_PACKAGES.stream().anyMatch(n::startsWith))
          .forEach(
              n -> {
                try {
                  Class.forName(n.substring(0, n.length() - 6).replace('/', '.'), false, loader);
                } catch (ClassNotFoundException | LinkageError optional) {
                  // A class for a feature or platform this JVM lacks: not needed.
                }
              });
    } catch (java.io.IOException | java.net.URISyntaxException | RuntimeException notAJar) {
      // Run from classes, not the (shaded) jar: nothing to load ahead.
    }
  }
}
