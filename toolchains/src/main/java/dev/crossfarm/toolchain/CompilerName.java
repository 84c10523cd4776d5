package dev.crossfarm.toolchain;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A compiler name as a distcc client sends it in argv[0], taken apart: an optional target triple,
 * the tool, and an optional version ({@code aarch64-linux-gnu-gcc-12} is triple {@code
 * aarch64-linux-gnu}, tool {@code gcc}, version {@code 12}).
 *
 * <p>Only names the stock distccd whitelist could hold are accepted: a leading {@code /usr/bin/} or
 * {@code /bin/} is stripped (CVE-2004-2687 rule), any other slash refuses the name.
 *
 * @param triple the target triple, or empty for a plain name such as {@code gcc}
 * @param tool the tool as the client named it ({@code cc}, {@code g++}, ...)
 * @param version the version suffix, or empty
 */
public record CompilerName(
    String sent, Optional<String> triple, String tool, Optional<String> version) {

  private static final Pattern TOOL_AND_VERSION =
      Pattern.compile("(gcc|cc|g\\+\\+|c\\+\\+|cpp|clang|clang\\+\\+)(?:-(\\d+(?:\\.\\d+){0,2}))?");

  /**
   * Parses {@code sent} for one of the {@code triples}.
   *
   * @return empty when the name is not a compiler name of the form {@code [triple-]tool[-version]}
   *     for one of these triples
   */
  public static Optional<CompilerName> parse(String sent, Iterable<String> triples) {
    String name = stripTrustedDirectory(sent);
    if (name.isEmpty() || name.indexOf('/') >= 0) {
      return Optional.empty();
    }
    Optional<CompilerName> plain = match(sent, Optional.empty(), name);
    if (plain.isPresent()) {
      return plain;
    }
    for (String triple : triples) {
      if (name.startsWith(triple + "-")) {
        Optional<CompilerName> prefixed =
            match(sent, Optional.of(triple), name.substring(triple.length() + 1));
        if (prefixed.isPresent()) {
          return prefixed;
        }
      }
    }
    return Optional.empty();
  }

  /** The name without a leading {@code /usr/bin/} or {@code /bin/}, as stock distccd treats it. */
  public static String stripTrustedDirectory(String sent) {
    for (String dir : new String[] {"/usr/bin/", "/bin/"}) {
      if (sent.startsWith(dir)) {
        return sent.substring(dir.length());
      }
    }
    return sent;
  }

  private static Optional<CompilerName> match(
      String sent, Optional<String> triple, String toolAndVersion) {
    Matcher m = TOOL_AND_VERSION.matcher(toolAndVersion);
    if (!m.matches()) {
      return Optional.empty();
    }
    return Optional.of(new CompilerName(sent, triple, m.group(1), Optional.ofNullable(m.group(2))));
  }
}
