package dev.agentcli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Hosts for the multi-host tests: each a network namespace of its own (when the tests run as root
 * and the machine allows it) joined to this one by a veth pair, so that its agentcli processes
 * reach the PostgreSQL server over TCP at the pair's far address, and can be cut off by taking the
 * link down. Without namespaces, hosts share this machine's network, and a cut freezes the process
 * (SIGSTOP), which the server sees the same way: a client that stopped answering.
 */
final class SimulatedHosts implements AutoCloseable {
  /** One host: how its processes are started, and the address it reaches the server at. */
  record Host(String name, List<String> wrapper, String serverAddress, String link) {}

  private final List<Host> hosts;
  private final boolean namespaced;

  private SimulatedHosts(List<Host> hosts, boolean namespaced) {
    this.hosts = hosts;
    this.namespaced = namespaced;
  }

  static SimulatedHosts create(int count) {
    long tag = ProcessHandle.current().pid() % 100000;
    List<Host> made = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        String ns = "agentcli-" + tag + "-h" + i;
        String outer = "ag" + tag + "h" + i;
        String inner = "ag" + tag + "n" + i;
        String subnet = "10.77." + (i + 1) + ".";
        run("ip", "netns", "add", ns);
        made.add(new Host("host" + i, List.of("ip", "netns", "exec", ns), subnet + "1", outer));
        run("ip", "link", "add", outer, "type", "veth", "peer", "name", inner);
        run("ip", "link", "set", inner, "netns", ns);
        run("ip", "addr", "add", subnet + "1/24", "dev", outer);
        run("ip", "link", "set", outer, "up");
        run("ip", "netns", "exec", ns, "ip", "addr", "add", subnet + "2/24", "dev", inner);
        run("ip", "netns", "exec", ns, "ip", "link", "set", inner, "up");
        run("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up");
      }
      return new SimulatedHosts(made, true);
    } catch (IllegalStateException notAllowed) {
      new SimulatedHosts(made, true).close();
      System.out.println(
          "SimulatedHosts: no network namespaces here ("
              + notAllowed.getMessage()
              + "); the hosts share this machine's network");
      List<Host> plain = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        plain.add(new Host("host" + i, List.of(), "127.0.0.1", null));
      }
      return new SimulatedHosts(plain, false);
    }
  }

  List<Host> hosts() {
    return hosts;
  }

  boolean namespaced() {
    return namespaced;
  }

  /**
   * {@code url} (a database on the test server) as {@code host} reaches it: over the simulated
   * network, which is trusted, without TLS (the test server has none).
   */
  static String seenFrom(Host host, String url) {
    return url.replace("@127.0.0.1:", "@" + host.serverAddress() + ":") + "?sslmode=disable";
  }

  /** Cuts {@code host} off the network, or, without namespaces, freezes {@code process}. */
  void cut(Host host, Process process) {
    if (namespaced) {
      run("ip", "link", "set", host.link(), "down");
    } else {
      run("kill", "-STOP", String.valueOf(process.pid()));
    }
  }

  void restore(Host host, Process process) {
    if (namespaced) {
      run("ip", "link", "set", host.link(), "up");
    } else {
      run("kill", "-CONT", String.valueOf(process.pid()));
    }
  }

  @Override
  public void close() {
    for (Host h : hosts) {
      if (h.link() != null) {
        quietly("ip", "link", "del", h.link());
        quietly("ip", "netns", "del", h.wrapper().get(3));
      }
    }
  }

  private static void quietly(String... command) {
    try {
      run(command);
    } catch (IllegalStateException gone) {
      // Removed already.
    }
  }

  private static void run(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + ": " + out.trim());
      }
    } catch (IOException e) {
      throw new IllegalStateException(String.join(" ", command) + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
