package dev.agentcli.manifest;

import dev.agentcli.codec.Json;
import dev.agentcli.codec.Sha256;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A task's effective execution binding: everything that decides what would run, resolved against
 * this machine. Its canonical JSON holds argument, environment and stdin values only as hashes, so
 * it can be stored with a grant and shown; its hash ({@link #taskHash()}) is what a grant is bound
 * to. Editing another task or a description leaves it unchanged; any change to what would run
 * changes it.
 *
 * @param json the canonical JSON of the binding, hashed into {@code taskHash}
 * @param command what to run, with the raw values
 */
public record TaskBinding(TaskHash taskHash, String json, Command command) {

  /** Version of the binding's layout; a new layout gets a new number. */
  public static final int VERSION = 2;

  /**
   * Programs that run a script named by their first argument that is not an option: that script is
   * code the grant covers, as the program itself is.
   */
  private static final Pattern INTERPRETER =
      Pattern.compile(
          "(sh|bash|dash|zsh|ksh|mksh|fish|python[0-9.]*|perl[0-9.]*|ruby[0-9.]*|node|nodejs"
              + "|php[0-9.]*|lua[0-9.]*|Rscript|tclsh[0-9.]*|pwsh|deno|bun)");

  /** Options after which an interpreter runs code from the command line, not from a file. */
  private static final Set<String> INLINE_CODE =
      Set.of("-c", "-e", "-m", "-E", "-r", "--eval", "--command", "--print", "-p");

  /**
   * Ambient variables the child inherits besides the manifest's {@code env}. TERM is left out on
   * purpose: it differs between the approver's terminal and a headless agent.
   */
  public static final List<String> INHERITED_ENV = List.of("PATH", "HOME", "LANG", "TZ", "TMPDIR");

  /** Prefixes of ambient variables the child inherits, for the locale. */
  public static final String INHERITED_ENV_PREFIX = "LC_";

  /**
   * What would run: the resolved program and the raw values.
   *
   * @param written the program as the manifest writes it (its {@code argv[0]})
   */
  public record Command(
      String written,
      Path program,
      List<String> args,
      Path cwd,
      Map<String, String> env,
      String stdin,
      Long timeoutMs) {
    public Command {
      args = List.copyOf(args);
      env = Map.copyOf(env);
    }
  }

  /**
   * Resolves {@code task} on this machine.
   *
   * @param baseDir the folder a relative {@code cwd} starts from (the manifest's)
   * @param inherited the variables the child inherits besides the manifest's {@code env}: {@link
   *     #inherited} of the caller's environment, or the operator's fixed set
   * @throws AgentCliException {@code cwd_not_found}, {@code program_not_found} or {@code
   *     program_not_executable}
   */
  /** Where {@code program} is found from {@code cwd} with {@code env}'s PATH, as a real path. */
  public static Path locate(String program, Path cwd, Map<String, String> env) {
    return ProgramLocator.locate(program, cwd, env.get("PATH"));
  }

  public static TaskBinding of(
      Task task, Path baseDir, Map<String, String> inherited, FileDigests digests) {
    Path cwd = realCwd(task, baseDir);
    Map<String, String> env = new LinkedHashMap<>(inherited);
    env.putAll(task.env());
    Path program = ProgramLocator.locate(task.program(), cwd, env.get("PATH"));
    Map<String, String> files = new TreeMap<>();
    for (String named : codeFiles(task, program, cwd)) {
      files.put(named, digests.of(cwd.resolve(named)));
    }
    Command command =
        new Command(task.program(), program, task.args(), cwd, env, task.stdin(), task.timeoutMs());

    Map<String, Object> binding = new TreeMap<>();
    binding.put("binding_version", VERSION);
    binding.put("workflow_id", task.workflowId());
    binding.put("task_id", task.id());
    binding.put("program", task.program());
    binding.put("program_path", program.toString());
    binding.put("program_sha256", digests.of(program));
    binding.put("files", files);
    binding.put("args", task.args().stream().map(Sha256::of).toList());
    binding.put("cwd", cwd.toString());
    Map<String, String> envHashes = new TreeMap<>();
    env.forEach((k, v) -> envHashes.put(k, Sha256.of(v)));
    binding.put("env", envHashes);
    binding.put("stdin", task.stdin() == null ? null : Sha256.of(task.stdin()));
    binding.put("timeout_ms", task.timeoutMs());
    binding.put("approval", task.approval().bound());
    String json = Json.canonical(binding);
    return new TaskBinding(new TaskHash(Sha256.of(json)), json, command);
  }

  /**
   * The approval rules a stored binding was approved under. A grant matches a task only with the
   * task's exact hash, so these are the rules exec applies to it; a binding that cannot be read
   * gives rules no grant meets.
   */
  public static ApprovalRules approvalRules(String bindingJson) {
    try {
      return ApprovalRules.fromBound(Json.parseObject(bindingJson).get("approval"))
          .orElse(ApprovalRules.NONE_MET);
    } catch (RuntimeException unreadable) {
      return ApprovalRules.NONE_MET;
    }
  }

  /**
   * The files a grant covers besides the program, as named (relative to the working directory): an
   * interpreter's script and every match of {@code shell.bind_files}, sorted.
   */
  private static List<String> codeFiles(Task task, Path program, Path cwd) {
    Set<String> named = new TreeSet<>();
    if (INTERPRETER.matcher(Path.of(task.program()).getFileName().toString()).matches()
        || INTERPRETER.matcher(program.getFileName().toString()).matches()) {
      for (String arg : task.args()) {
        if (INLINE_CODE.contains(arg) || arg.equals("-")) {
          break;
        }
        if (!arg.startsWith("-")) {
          named.add(arg);
          break;
        }
      }
    }
    for (String pattern : task.bindFiles()) {
      named.addAll(BoundFiles.expand(cwd, pattern));
    }
    return List.copyOf(named);
  }

  private static Path realCwd(Task task, Path baseDir) {
    Path cwd;
    try {
      cwd = task.cwd() == null ? baseDir : baseDir.resolve(task.cwd());
    } catch (InvalidPathException e) {
      throw cwdNotFound(task, task.cwd());
    }
    try {
      Path real = cwd.toRealPath();
      if (!Files.isDirectory(real)) {
        throw cwdNotFound(task, real.toString());
      }
      return real;
    } catch (IOException e) {
      throw cwdNotFound(task, cwd.toString());
    }
  }

  private static AgentCliException cwdNotFound(Task task, String cwd) {
    return new AgentCliException(
        ErrorCode.CWD_NOT_FOUND,
        "working directory " + cwd + " of task " + task.qualifiedId() + " does not exist",
        Map.of("cwd", String.valueOf(cwd), "task_id", task.id()));
  }

  /** The allowlisted variables of {@code ambient} ({@link #INHERITED_ENV}, {@code LC_*}). */
  public static Map<String, String> inherited(Map<String, String> ambient) {
    Map<String, String> env = new LinkedHashMap<>();
    ambient.forEach(
        (k, v) -> {
          if (INHERITED_ENV.contains(k) || k.startsWith(INHERITED_ENV_PREFIX)) {
            env.put(k, v);
          }
        });
    return env;
  }
}
