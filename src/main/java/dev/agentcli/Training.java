package dev.agentcli;

import dev.agentcli.app.Context;
import dev.agentcli.cli.AgentCli;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The launcher's training run for the start-up cache: several commands in one JVM, separated by
 * {@code ::}, so that the cache holds the classes (and the linked lambdas) of each of them, not
 * only of the first. Output is discarded; a failing command does not stop the others.
 */
public final class Training {
  private Training() {}

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
  }
}
