package dev.agentcli;

import dev.agentcli.app.Context;
import dev.agentcli.cli.AgentCli;
import dev.agentcli.profile.Phases;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** Runs agentcli and passes its status to the OS: the only place that calls System.exit. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    Phases.mark("main");
    PrintWriter out = new PrintWriter(System.out, false, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, false, StandardCharsets.UTF_8);
    int status = AgentCli.execute(Context.system(), out, err, args);
    out.flush();
    Phases.mark("done");
    Phases.report(err);
    err.flush();
    System.exit(status);
  }
}
