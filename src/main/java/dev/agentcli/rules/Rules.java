package dev.agentcli.rules;

import dev.agentcli.codec.Json;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import dev.agentcli.manifest.ApprovalRules;
import dev.agentcli.manifest.ManifestParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The operator's rules for commands no manifest declares: patterns that allow, ask or deny. Order
 * does not matter: a command is denied when any deny rule may match it, else asked when any ask
 * rule may (the first of those says how), else allowed when an allow rule surely matches it, else
 * it gets the default ({@code ask}, or {@code deny}; never allow). A line of several commands gets
 * the strictest of its commands' rulings.
 */
public record Rules(
    Decision fallback,
    ApprovalRules defaultApproval,
    List<Rule> rules,
    Map<String, List<Rule>> byProgram,
    boolean askClaudeCode) {

  private static final Set<String> KEYS = Set.of("default", "approval", "rules", "on_ask");
  private static final Set<String> RULE_KEYS = Set.of("match", "decision", "reason", "approval");

  /** No rules file: every command needs a person. */
  public static final Rules NONE =
      new Rules(Decision.ASK, ManifestParser.ruleApproval(null, "-", "approval"), List.of());

  /** Where the starter rules are: a resource beside this class. */
  private static final String STARTER = "starter-rules.json";

  public Rules {
    rules = List.copyOf(rules);
    byProgram = Map.copyOf(byProgram);
  }

  public Rules(Decision fallback, ApprovalRules defaultApproval, List<Rule> rules) {
    this(fallback, defaultApproval, rules, index(rules), false);
  }

  /**
   * For each program a pattern names literally, the rules that may match a command run as that
   * program (its own and those whose program is a glob), in their order; {@code ""}: the glob ones
   * alone. A command is compared only with the rules that can name it.
   */
  private static Map<String, List<Rule>> index(List<Rule> rules) {
    Map<String, List<Rule>> index = new HashMap<>();
    index.put("", rules.stream().filter(r -> wild(r.pattern().get(0))).toList());
    for (Rule r : rules) {
      String program = r.pattern().get(0);
      if (!wild(program)) {
        index.computeIfAbsent(
            program,
            p ->
                rules.stream()
                    .filter(x -> x.pattern().get(0).equals(p) || wild(x.pattern().get(0)))
                    .toList());
      }
    }
    return index;
  }

  private static boolean wild(String program) {
    return program.indexOf('*') >= 0 || program.indexOf('?') >= 0;
  }

  /** The rules that may match a command run as {@code program}, in their order. */
  private List<Rule> candidates(ShellLine.Word program) {
    String name = program.text();
    if (program.dynamic() || name.indexOf('/') >= 0) {
      return rules; // a path is matched by its file name too: rare enough to compare with all
    }
    return byProgram.getOrDefault(name, byProgram.get(""));
  }

  /**
   * The starter rules' text: the read-only commands an agent runs all day allowed, what writes,
   * installs, pushes or deletes asked, the well-known destructive forms denied.
   */
  public static String starterText() {
    try (var in = Rules.class.getResourceAsStream(STARTER)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException | NullPointerException e) {
      throw new IllegalStateException("the starter rules are missing from the build", e);
    }
  }

  /**
   * Writes the starter rules to {@code file} when nothing is there; the file, if it was written.
   * Created with its folder, never replacing a file another process wrote meanwhile.
   */
  public static Optional<Path> writeStarter(Path file) {
    if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, starterText(), StandardOpenOption.CREATE_NEW);
      return Optional.of(file);
    } catch (FileAlreadyExistsException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new AgentCliException(
          ErrorCode.INPUT_INVALID,
          "the starter rules cannot be written to " + file + ": " + e.getMessage(),
          Map.of("rules", file.toString()));
    }
  }

  /** The starter rules (see {@link #starterText}). */
  public static Rules starter() {
    try {
      return of(Json.parse(starterText().getBytes(StandardCharsets.UTF_8)), STARTER);
    } catch (IOException e) {
      throw new IllegalStateException("the starter rules are not JSON", e);
    }
  }

  /** The rules in {@code file}; {@link #NONE} when there is no such file. */
  public static Rules read(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return NONE;
    } catch (IOException e) {
      throw invalid(file.toString(), "it cannot be read: " + e.getMessage());
    }
    try {
      return of(Json.parse(bytes), file.toString());
    } catch (IOException e) {
      throw invalid(file.toString(), "it is not valid JSON: " + e.getMessage());
    }
  }

  /** The rules written as {@code node} (a JSON object), read from {@code source}. */
  public static Rules of(Object node, String source) {
    if (!(node instanceof Map<?, ?> m)) {
      throw invalid(source, "the rules must be a JSON object");
    }
    unknownKeys(m, KEYS, source, "");
    Decision fallback = Decision.ASK;
    if (m.containsKey("default")) {
      fallback = Decision.parse(m.get("default")).orElse(null);
      if (fallback == null || fallback == Decision.ALLOW) {
        throw invalid(
            source,
            "default must be \"ask\" or \"deny\" (a command no rule names never runs unasked)");
      }
    }
    ApprovalRules defaultApproval = approval(m.get("approval"), source, "approval");
    List<Rule> rules = new ArrayList<>();
    Object list = m.containsKey("rules") ? m.get("rules") : List.of();
    if (!(list instanceof List<?> items)) {
      throw invalid(source, "rules must be an array");
    }
    for (int n = 0; n < items.size(); n++) {
      String path = "rules[" + n + "]";
      if (!(items.get(n) instanceof Map<?, ?> r)) {
        throw invalid(source, path + " must be an object");
      }
      unknownKeys(r, RULE_KEYS, source, path + ".");
      if (!(r.get("match") instanceof String match) || match.isBlank()) {
        throw invalid(source, path + ".match must be a pattern of words, e.g. \"git push *\"");
      }
      Decision decision = Decision.parse(r.get("decision")).orElse(null);
      if (decision == null) {
        throw invalid(source, path + ".decision must be \"allow\", \"ask\" or \"deny\"");
      }
      if (r.containsKey("approval") && decision != Decision.ASK) {
        throw invalid(source, path + ".approval applies only to a rule that asks");
      }
      Object reason = r.get("reason");
      if (reason != null && !(reason instanceof String)) {
        throw invalid(source, path + ".reason must be text");
      }
      rules.add(
          new Rule(
              match.strip(),
              decision,
              (String) reason,
              r.containsKey("approval")
                  ? approval(r.get("approval"), source, path + ".approval")
                  : defaultApproval));
    }
    Object onAsk = m.containsKey("on_ask") ? m.get("on_ask") : "request";
    if (!"request".equals(onAsk) && !"claude-code".equals(onAsk)) {
      throw invalid(
          source,
          "on_ask must be \"request\" (a person decides through agentcli) or \"claude-code\" (the"
              + " Claude Code hook hands the decision to Claude Code's own prompt)");
    }
    return new Rules(fallback, defaultApproval, rules, index(rules), "claude-code".equals(onAsk));
  }

  /** The ruling on a whole line: the strictest of its commands'. */
  public Ruling judge(ShellLine line) {
    if (line.commands().isEmpty()) {
      return new Ruling(Decision.DENY, "default", "", "the command is empty", defaultApproval);
    }
    return rulings(line).stream().max(Comparator.comparing(Ruling::decision)).orElseThrow();
  }

  /**
   * The ruling on each command of {@code line}, in order; a command that recurs (a long line often
   * repeats one) is judged once.
   */
  public List<Ruling> rulings(ShellLine line) {
    Map<ShellLine.SimpleCommand, Ruling> judged = new HashMap<>();
    return line.commands().stream().map(c -> judged.computeIfAbsent(c, this::judge)).toList();
  }

  /**
   * The ruling on a whole line run in {@code cwd} with {@code env}: as {@link #judge(ShellLine)},
   * except that an allow holds only where it is what the rules saw ({@link #unsureAllow});
   * otherwise a person decides.
   */
  public Ruling judge(ShellLine line, Path cwd, Map<String, String> env) {
    Ruling ruling = judge(line);
    return ruling.decision() == Decision.ALLOW
        ? unsureAllow(line, cwd, env).orElse(ruling)
        : ruling;
  }

  /**
   * The ask an allow of {@code line} run in {@code cwd} with {@code env} calls for, if any: a
   * program it names would be found where the caller could have put it ({@link ProgramCheck}), or
   * git's configuration names a program git would run ({@link GitConfigCheck}).
   */
  public Optional<Ruling> unsureAllow(ShellLine line, Path cwd, Map<String, String> env) {
    return ProgramCheck.refusal(line, env, ProgramCheck.CALLER)
        .map(u -> new Ruling(Decision.ASK, "program", u.command(), u.why(), defaultApproval))
        .or(
            () ->
                GitConfigCheck.refusal(line, cwd, env)
                    .map(
                        why ->
                            new Ruling(
                                Decision.ASK, "git configuration", "git", why, defaultApproval)));
  }

  /**
   * The ruling on one command. For a probe (what a wrapper may run) only a deny or an ask rule
   * counts; otherwise it is allowed here, and the wrapper's own ruling stands.
   */
  public Ruling judge(ShellLine.SimpleCommand command) {
    for (Decision d : List.of(Decision.DENY, Decision.ASK, Decision.ALLOW)) {
      if (command.probe() && d == Decision.ALLOW) {
        return new Ruling(
            Decision.ALLOW, "probe", command.text(), command.never(), defaultApproval);
      }
      for (Rule rule : rules) {
        if (rule.decision() == d && rule.matches(command)) {
          return new Ruling(d, rule.match(), command.text(), rule.reason(), rule.approval());
        }
      }
    }
    return new Ruling(fallback, "default", command.text(), null, defaultApproval);
  }

  private static ApprovalRules approval(Object node, String source, String path) {
    try {
      return ManifestParser.ruleApproval(node, source, path);
    } catch (AgentCliException e) {
      throw invalid(source, e.getMessage());
    }
  }

  private static void unknownKeys(Map<?, ?> m, Set<String> known, String source, String path) {
    for (Object k : m.keySet()) {
      if (!known.contains(String.valueOf(k))) {
        throw invalid(
            source,
            "unknown key "
                + path
                + k
                + " (known: "
                + String.join(", ", known.stream().sorted().toList())
                + ")");
      }
    }
  }

  private static AgentCliException invalid(String source, String why) {
    return new AgentCliException(
        ErrorCode.RULES_INVALID,
        "the command rules " + source + " are not usable, so no ad-hoc command runs: " + why,
        Map.of("rules", source));
  }
}
