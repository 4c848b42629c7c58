package dev.agentcli;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Fluent checks of one agentcli invocation (jbang's {@code CommandResultAssert} is the model): each
 * failure shows the status and everything the command printed.
 */
public final class CliAssert {
  private final Cli.Result result;

  private CliAssert(Cli.Result result) {
    this.result = result;
  }

  public static CliAssert assertThat(Cli.Result result) {
    return new CliAssert(result);
  }

  public static CliAssert assertThat(Jvm.Done done) {
    return new CliAssert(done.asResult());
  }

  /** Exit status 0. */
  public CliAssert succeeds() {
    return exits(0);
  }

  public CliAssert exits(int status) {
    if (result.status() != status) {
      throw new AssertionError("expected exit status " + status + ", got " + result);
    }
    return this;
  }

  /** Refused or failed with {@code status} and the error code {@code code}. */
  public CliAssert fails(int status, String code) {
    return exits(status).hasCode(code);
  }

  /** The JSON error on stderr carries {@code code}. */
  public CliAssert hasCode(String code) {
    String actual = result.err().isBlank() ? "" : result.code();
    if (!code.equals(actual)) {
      throw new AssertionError("expected error code " + code + ", got '" + actual + "': " + result);
    }
    return this;
  }

  public CliAssert outContains(String text) {
    if (!result.out().contains(text)) {
      throw new AssertionError("stdout lacks '" + text + "': " + result);
    }
    return this;
  }

  public CliAssert errContains(String text) {
    if (!result.err().contains(text)) {
      throw new AssertionError("stderr lacks '" + text + "': " + result);
    }
    return this;
  }

  /** Neither stream holds {@code text} (a secret, say). */
  public CliAssert errLacks(String text) {
    if (result.err().contains(text) || result.out().contains(text)) {
      throw new AssertionError("the output holds '" + text + "': " + result);
    }
    return this;
  }

  /** The JSON the command printed on stdout. */
  public JsonNode json() {
    return result.json();
  }
}
