package dev.agentcli.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads {@code 90s}, {@code 15m}, {@code 2h} or {@code 1d} as a duration. The unit is required: a
 * bare {@code 15} could mean seconds or minutes, and guessing wrong makes a grant live 60 times
 * shorter or longer than meant.
 */
final class DurationConverter implements ITypeConverter<Duration> {
  private static final Pattern FORM = Pattern.compile("([0-9]{1,9})([smhd])");

  @Override
  public Duration convert(String value) {
    Matcher m = FORM.matcher(value);
    if (!m.matches()) {
      throw new TypeConversionException(
          "'"
              + value
              + "' is not a duration: use a whole number with a unit, s, m, h or d (e.g. 15m)");
    }
    long n = Long.parseLong(m.group(1));
    switch (m.group(2)) {
      case "m":
        return Duration.ofMinutes(n);
      case "h":
        return Duration.ofHours(n);
      case "d":
        return Duration.ofDays(n);
      default:
        return Duration.ofSeconds(n);
    }
  }
}
