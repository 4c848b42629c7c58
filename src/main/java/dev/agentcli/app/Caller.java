package dev.agentcli.app;

import dev.agentcli.request.Requester;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Who this process acts for: the OS user (the real one under sudo), the host and the pid. */
public final class Caller {
  private Caller() {}

  /** The requester {@code label} (the OS user when blank) on this host, in this process. */
  public static Requester as(String label, Context ctx) {
    String osUser = osUser(ctx);
    return new Requester(
        label == null || label.isBlank() ? osUser : label,
        osUser,
        host(),
        ProcessHandle.current().pid());
  }

  /** The OS user: the one sudo ran agentcli for, else this process's. */
  public static String osUser(Context ctx) {
    String viaSudo = ctx.env().get("SUDO_USER");
    return viaSudo != null && !viaSudo.isBlank() ? viaSudo : System.getProperty("user.name");
  }

  private static String host() {
    try {
      return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }
}
