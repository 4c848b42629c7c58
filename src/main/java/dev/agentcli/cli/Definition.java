package dev.agentcli.cli;

import java.util.List;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.ArgGroupSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.ISetter;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * One command's picocli model, written in code: its help text, options and parameters, each bound
 * to a field of the command object by a setter. picocli's annotations would say the same, but
 * reading them costs a dynamic proxy class per annotation type and reflection per field on every
 * start (about 100 ms of a run, which no class cache can store); this costs a few builder calls.
 */
final class Definition {
  /** What a command object gives to be run by picocli: its definition. */
  interface Defined {
    /** Adds this object's help text, options and parameters to {@code d}. */
    void define(Definition d);
  }

  private final CommandSpec spec;
  private ArgGroupSpec.Builder group;

  private Definition(CommandSpec spec) {
    this.spec = spec;
  }

  /** The model of {@code command}, named {@code name}, as its {@link Defined#define} gives it. */
  static CommandSpec of(String name, Defined command) {
    Definition d = new Definition(CommandSpec.wrapWithoutInspection(command).name(name));
    command.define(d);
    return d.spec;
  }

  /** The model being defined. */
  CommandSpec spec() {
    return spec;
  }

  /** The command's description: one paragraph per line given. */
  Definition text(String... paragraphs) {
    spec.usageMessage().description(paragraphs);
    return this;
  }

  Definition footer(String... lines) {
    spec.usageMessage().footer(lines);
    return this;
  }

  /** The version option, named {@code names}, printing what {@code version} gives. */
  Definition version(CommandLine.IVersionProvider version, String... names) {
    spec.versionProvider(version);
    spec.addOption(
        OptionSpec.builder(names)
            .versionHelp(true)
            .description("Print the version and exit (as agentcli version does).")
            .build());
    return this;
  }

  /** {@code -h, --help}. */
  Definition help() {
    spec.addOption(
        OptionSpec.builder("-h", "--help")
            .usageHelp(true)
            .description("Show this help and exit.")
            .build());
    return this;
  }

  /** Marks the command as the help command: the parent's required options are not checked. */
  Definition helpCommand() {
    spec.helpCommand(true);
    return this;
  }

  Definition subcommand(String name, Defined command) {
    spec.addSubcommand(name, of(name, command));
    return this;
  }

  /** An option without a value: true when given. */
  Param<Boolean> flag(String... names) {
    return new Param<Boolean>(OptionSpec.builder(names).arity("0"), Boolean.class);
  }

  <T> Param<T> option(Class<T> type, String... names) {
    return new Param<>(OptionSpec.builder(names).type(type), type);
  }

  /** An option given any number of times, each value one element. */
  Param<List<String>> options(String... names) {
    return new Param<>(
        OptionSpec.builder(names).type(List.class).auxiliaryTypes(String.class), List.class);
  }

  <T> Param<T> positional(Class<T> type, String index) {
    return new Param<>(PositionalParamSpec.builder().index(index).type(type), type);
  }

  /** The positional parameters from {@code index} on, as a list. */
  Param<List<String>> positionals(String index) {
    return new Param<>(
        PositionalParamSpec.builder().index(index).type(List.class).auxiliaryTypes(String.class),
        List.class);
  }

  /**
   * Options of which at most one may be given ({@code multiplicity} "0..1"), or exactly one ("1"):
   * those added until {@link #endGroup}.
   */
  Definition exclusive(String multiplicity) {
    group = ArgGroupSpec.builder().exclusive(true).multiplicity(multiplicity);
    return this;
  }

  Definition endGroup() {
    spec.addArgGroup(group.build());
    group = null;
    return this;
  }

  private void add(OptionSpec o) {
    if (group != null) {
      group.addArg(o);
    } else {
      spec.addOption(o);
    }
  }

  private void add(PositionalParamSpec p) {
    if (group != null) {
      group.addArg(p);
    } else {
      spec.addPositional(p);
    }
  }

  /** One option or parameter being defined; {@link #to} binds it and adds it to the command. */
  final class Param<T> {
    // One of the two: picocli's common builder type is not public.
    private final OptionSpec.Builder option;
    private final PositionalParamSpec.Builder positional;
    private final Class<?> type;
    private String arity;

    private Param(OptionSpec.Builder option, Class<?> type) {
      this(option, null, type);
    }

    private Param(PositionalParamSpec.Builder positional, Class<?> type) {
      this(null, positional, type);
    }

    private Param(
        OptionSpec.Builder option, PositionalParamSpec.Builder positional, Class<?> type) {
      this.option = option;
      this.positional = positional;
      this.type = type;
      this.arity = type == List.class ? "0..*" : "1";
      // Fields keep their own initial values: picocli only sets what is given or defaulted.
      if (option != null) {
        option.hasInitialValue(false);
      } else {
        positional.hasInitialValue(false);
      }
    }

    /** The value's name in the help, e.g. {@code <ms>}. */
    Param<T> label(String paramLabel) {
      if (option != null) {
        option.paramLabel(paramLabel);
      } else {
        positional.paramLabel(paramLabel);
      }
      return this;
    }

    /** The help text: one paragraph per line given. */
    Param<T> text(String... description) {
      if (option != null) {
        option.description(description);
      } else {
        positional.description(description);
      }
      return this;
    }

    Param<T> defaultValue(String value) {
      if (option != null) {
        option.defaultValue(value);
      } else {
        positional.defaultValue(value);
      }
      return this;
    }

    Param<T> required() {
      if (option != null) {
        option.required(true);
      } else {
        positional.required(true);
      }
      return this;
    }

    Param<T> arity(String arity) {
      this.arity = arity;
      if (option != null) {
        option.arity(arity);
      }
      return this;
    }

    Param<T> converter(ITypeConverter<T> converter) {
      if (option != null) {
        option.converters(converter);
      } else {
        positional.converters(converter);
      }
      return this;
    }

    /** Binds the value to {@code setter} and adds the option or parameter to the command. */
    Definition to(Consumer<T> setter) {
      ISetter binding =
          new ISetter() {
            @Override
            @SuppressWarnings("unchecked")
            public <V> V set(V value) {
              setter.accept((T) type.cast(value));
              return null;
            }
          };
      if (option != null) {
        add(option.setter(binding).build());
      } else {
        // As for an annotated parameter: required unless it may be left out.
        positional.arity(arity).required(CommandLine.Range.valueOf(arity).min() > 0);
        add(positional.setter(binding).build());
      }
      return Definition.this;
    }
  }
}
