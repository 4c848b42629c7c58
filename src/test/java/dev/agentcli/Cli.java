package dev.agentcli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentcli.app.Context;
import dev.agentcli.cli.AgentCli;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs agentcli in-process against a home in a temporary folder, with a clock the test moves, and
 * captures what it prints.
 */
public final class Cli {
  public final Path home;
  public final Path db;
  private final Map<String, String> env = new HashMap<>();
  private final TestClock clock = TestClock.at(TestClock.T0);
  private java.util.function.Consumer<java.time.Instant> whilePaused = t -> {};
  private String stdin = "";
  private Path operatorConfig;
  private Path cwd;

  public Cli(Path home) {
    this.home = home;
    this.db = home.resolve("state").resolve("agentcli.db");
    this.operatorConfig = home.resolve("no-operator-config.json");
    this.cwd = home;
    env.put("AGENTCLI_HOME", home.toString());
    env.put("PATH", System.getenv("PATH"));
    env.put("HOME", home.toString());
    env.put("LANG", "C.UTF-8");
    env.putAll(TestStore.of(home).env());
  }

  /** The outcome of one invocation. */
  public record Result(int status, String out, String err) {
    public JsonNode json() {
      return parse(out);
    }

    public JsonNode error() {
      return parse(err);
    }

    public String code() {
      return error().path("code").asText();
    }

    private static JsonNode parse(String text) {
      try {
        return new ObjectMapper().readTree(text);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + text, e);
      }
    }

    @Override
    public String toString() {
      return "status " + status + "\nstdout: " + out + "\nstderr: " + err;
    }
  }

  public Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    java.io.ByteArrayOutputStream rawOut = new java.io.ByteArrayOutputStream();
    java.io.ByteArrayOutputStream rawErr = new java.io.ByteArrayOutputStream();
    Context ctx = context(rawOut, rawErr, () -> whilePaused.accept(clock.instant()));
    int status = AgentCli.execute(ctx, new PrintWriter(out), new PrintWriter(err), args);
    // A task's bytes streamed in text mode come first, then what agentcli printed.
    return new Result(
        status,
        rawOut.toString(StandardCharsets.UTF_8) + out,
        rawErr.toString(StandardCharsets.UTF_8) + err);
  }

  /**
   * The context a command runs with here: this home's environment and store, the test's clock, and
   * a pause that moves that clock (a waiting agent's time passes on it), then calls {@code
   * afterPause}. For use cases driven in process without the CLI.
   */
  public Context context(Runnable afterPause) {
    return context(OutputStream.nullOutputStream(), OutputStream.nullOutputStream(), afterPause);
  }

  private Context context(OutputStream out, OutputStream err, Runnable afterPause) {
    return new Context(
        env,
        clock,
        cwd,
        new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
        SecureRandom::new,
        operatorConfig,
        out,
        err,
        d -> {
          clock.advance(d);
          afterPause.run();
        });
  }

  /** Runs the next commands in {@code dir} (the home, unless said). */
  public Cli in(Path dir) {
    this.cwd = dir;
    return this;
  }

  /** {@code by} denies request {@code id} for {@code reason}, signing with {@code key}. */
  public Result deny(String id, String by, String reason, Path key) {
    return run("deny", id, "--by", by, "--reason", reason, "--signing-key", key.toString());
  }

  /**
   * What happens each time a waiting agent pauses (after the clock moved on): a person deciding,
   * say, at the moment the test chooses.
   */
  public Cli whilePaused(java.util.function.Consumer<java.time.Instant> action) {
    this.whilePaused = action;
    return this;
  }

  /**
   * Approves {@code task} as "ops" with an explicitly unsigned grant (plus {@code extra} options),
   * checks that it worked, and returns the grant's id.
   */
  public String approveUnsigned(String manifest, String task, String... extra) {
    return approveUnsignedBy("ops", manifest, task, extra);
  }

  /** As {@link #approveUnsigned}, approved by {@code by}. */
  public String approveUnsignedBy(String by, String manifest, String task, String... extra) {
    List<String> args =
        new ArrayList<>(List.of("approve", manifest, task, "--by", by, "--signer", "none"));
    args.addAll(List.of(extra));
    Result r = run(args.toArray(String[]::new));
    if (r.status() != 0) {
      throw new AssertionError("approve failed: " + r);
    }
    return r.json().path("approval").path("approval_id").asText();
  }

  /**
   * Approves {@code task} as {@code by}, signed with {@code key}; checks it worked; the grant's id.
   */
  public String approveSigned(String manifest, String task, String by, Path key) {
    Result r = run("approve", manifest, task, "--by", by, "--signing-key", key.toString());
    if (r.status() != 0) {
      throw new AssertionError("approve failed: " + r);
    }
    return r.json().path("approval").path("approval_id").asText();
  }

  /** The id of the one pending request, once an agent in another process has filed it. */
  public String onlyPendingRequest() throws InterruptedException {
    for (int i = 0; i < 600; i++) {
      JsonNode list = run("requests", "list", "--status", "pending").json().path("requests");
      if (list.size() == 1) {
        return list.get(0).path("request_id").asText();
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no pending request appeared");
  }

  /** The single integer that {@code sql} selects from the database (a count, say). */
  public int count(String sql) {
    try {
      return Math.toIntExact(TestStore.of(home).count(sql));
    } catch (java.sql.SQLException e) {
      throw new AssertionError(e);
    }
  }

  public Cli advance(Duration d) {
    clock.advance(d);
    return this;
  }

  public Cli at(Instant instant) {
    clock.set(instant);
    return this;
  }

  public Instant now() {
    return clock.instant();
  }

  public Cli env(String key, String value) {
    env.put(key, value);
    return this;
  }

  /**
   * Runs with the operator configuration {@code file} (by default: none), and without the
   * AGENTCLI_HOME that the configuration would refuse.
   */
  public Cli operatorConfig(Path file) {
    operatorConfig = file;
    env.remove("AGENTCLI_HOME");
    env.remove("AGENTCLI_DB");
    return this;
  }

  public Cli stdin(String text) {
    stdin = text;
    return this;
  }

  /** Writes {@code json} as {@code name} in the home folder and returns its path. */
  public String manifest(String name, String json) {
    try {
      Files.createDirectories(home);
      Path file = home.resolve(name);
      Files.writeString(file, json);
      return file.toString();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** A manifest with one task {@code deploy} running {@code program args...}. */
  public static String oneTask(String approvalJson, String program, String... args) {
    return TestManifest.task("deploy").runs(program, args).approval(approvalJson).json();
  }
}
