package dev.agentcli.exec;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Catches signals with {@code sun.misc.Signal} (module jdk.unsupported, in every JDK since 9): no
 * public API catches a signal. Compiled apart from the rest, without -Werror, because javac warns
 * about any use of it; nothing else in agentcli names a sun.* type.
 */
final class SignalCatcher implements AutoCloseable {
  private final List<Signal> signals = new ArrayList<>();
  private final List<SignalHandler> previous = new ArrayList<>();

  private SignalCatcher() {}

  /** Hands the name of each of {@code names} that arrives to {@code onSignal}, until closed. */
  static SignalCatcher install(List<String> names, Consumer<String> onSignal) {
    SignalCatcher c = new SignalCatcher();
    SignalHandler ours = s -> onSignal.accept(s.getName());
    for (String name : names) {
      Signal s = new Signal(name);
      c.previous.add(Signal.handle(s, ours));
      c.signals.add(s);
    }
    return c;
  }

  /** Puts the previous handlers back. */
  @Override
  public void close() {
    for (int i = 0; i < signals.size(); i++) {
      Signal.handle(signals.get(i), previous.get(i));
    }
  }
}
