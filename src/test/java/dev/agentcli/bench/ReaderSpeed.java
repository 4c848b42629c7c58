package dev.agentcli.bench;

import dev.agentcli.rules.Rules;
import dev.agentcli.rules.ShellParser;

/**
 * How long the shell-line reader and the starter rules take on a 64 KiB line (issue 25: at most 5
 * ms), against the baseline of scanning the same line's characters once, in the same run. Medians
 * of N warmed-up runs. Run by bench/reader.sh.
 */
public final class ReaderSpeed {
  private ReaderSpeed() {}

  public static void main(String[] args) {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 201;
    Rules rules = Rules.starter();
    StringBuilder plain = new StringBuilder();
    while (plain.length() < ShellParser.MAX_LENGTH - 64) {
      plain.append("grep -rn \"a b\" src/*.java | sort -u; ");
    }
    StringBuilder hostile = new StringBuilder("cat <<EOF\n");
    while (hostile.length() < ShellParser.MAX_LENGTH - 64) {
      hostile.append("$(ls 'x') `echo \\`id\\`` ${y:-x}\n");
    }
    hostile.append("EOF\n");
    for (String[] line :
        new String[][] {
          {"a line of 2,000 pipelines", plain.toString()},
          {"a here-document of substitutions", hostile.toString()}
        }) {
      String text = line[1];
      long[] scan = new long[runs];
      long[] read = new long[runs];
      long[] parse = new long[runs];
      long sink = 0;
      for (int i = 0; i < runs + 50; i++) {
        long t0 = System.nanoTime();
        for (int k = 0; k < text.length(); k++) {
          sink += text.charAt(k);
        }
        long t1 = System.nanoTime();
        var parsed = ShellParser.parse(text);
        long tp = System.nanoTime();
        sink += rules.judge(parsed).decision().ordinal();
        long t2 = System.nanoTime();
        if (i >= 50) {
          scan[i - 50] = t1 - t0;
          read[i - 50] = t2 - t1;
          parse[i - 50] = tp - t1;
        }
      }
      java.util.Arrays.sort(scan);
      java.util.Arrays.sort(read);
      java.util.Arrays.sort(parse);
      double readMs = read[runs / 2] / 1e6;
      System.out.printf(
          "%s (%d chars): read and judged in %.2f ms (read %.2f ms; median of %d), %.0f x one"
              + " scan of its characters (%.3f ms)%s%n",
          line[0],
          text.length(),
          readMs,
          parse[runs / 2] / 1e6,
          runs,
          (double) read[runs / 2] / Math.max(1, scan[runs / 2]),
          scan[runs / 2] / 1e6,
          sink == 42 ? "" : "");
    }
  }
}
