package dev.crossfarm.cli.flags;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code -march=native}, {@code -mtune=native} and {@code -mcpu=native}: they mean "this CPU", so
 * on a volunteer they build for the volunteer's CPU, and the stock client silently compiles such
 * jobs locally instead. Finds them, and resolves them into the explicit flags the local compiler
 * means by them (as the distccflags script does, from {@code gcc -march=native -Q --help=target}).
 */
public final class NativeFlags {

  public static final Pattern NATIVE = Pattern.compile("-m(arch|tune|cpu)=native\\b");

  /** A native flag found in one variable of one file. */
  public record Finding(String file, int line, String variable, String flag, String via) {
    public String describe() {
      return file
          + ":"
          + line
          + ": "
          + variable
          + " contains "
          + flag
          + (via == null ? "" : " (through " + via + ")");
    }
  }

  private NativeFlags() {}

  /** Native flags in the given assignments, each reported where it is written or pulled in. */
  public static List<Finding> find(String file, List<ShellAssignments.Assignment> assignments) {
    List<Finding> findings = new ArrayList<>();
    for (ShellAssignments.Assignment a : assignments) {
      Matcher own = NATIVE.matcher(a.raw());
      while (own.find()) {
        findings.add(new Finding(file, a.line(), a.name(), own.group(), null));
      }
      for (ShellAssignments.Assignment source : a.through()) {
        Matcher inherited = NATIVE.matcher(source.raw());
        while (inherited.find()) {
          findings.add(
              new Finding(
                  file,
                  a.line(),
                  a.name(),
                  inherited.group(),
                  "$" + source.name() + ", line " + source.line()));
        }
      }
    }
    return findings;
  }

  /**
   * What {@code compiler} resolves each native flag to on this machine, e.g. {@code -march=native
   * -> -march=skylake}. Flags the compiler does not know (-mcpu on x86) are absent.
   */
  public static Map<String, String> resolve(String compiler) throws IOException {
    Map<String, String> explicit = new LinkedHashMap<>();
    for (String kind : List.of("arch", "tune", "cpu")) {
      Process p =
          new ProcessBuilder(compiler, "-m" + kind + "=native", "-Q", "--help=target")
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      try {
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
          continue;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while asking " + compiler, e);
      }
      Matcher m =
          Pattern.compile("^\\s*-m" + kind + "=\\s+(\\S+)\\s*$", Pattern.MULTILINE).matcher(out);
      if (m.find() && !m.group(1).equals("native")) {
        explicit.put("-m" + kind + "=native", "-m" + kind + "=" + m.group(1));
      }
    }
    return explicit;
  }

  /** {@code text} with every resolvable native flag replaced. */
  public static String replace(String text, Map<String, String> explicit) {
    String result = text;
    for (Map.Entry<String, String> e : explicit.entrySet()) {
      result =
          result.replaceAll(
              Pattern.quote(e.getKey()) + "\\b", Matcher.quoteReplacement(e.getValue()));
    }
    return result;
  }
}
