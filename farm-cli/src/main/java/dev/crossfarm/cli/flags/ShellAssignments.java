package dev.crossfarm.cli.flags;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The variable assignments of a makepkg.conf or Portage make.conf: {@code NAME=value}, {@code
 * NAME="..."} (which may span lines), {@code NAME='...'}, {@code export NAME=...}. Values are
 * expanded as the shell would for {@code $NAME} and {@code ${NAME}} (from earlier assignments, then
 * the environment), remembering which assignments a value came through. Arrays ({@code
 * BUILDENV=(...)}) and commands are kept raw; nothing is executed.
 */
public final class ShellAssignments {

  private static final Pattern START =
      Pattern.compile("^\\s*(?:export\\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$");
  private static final Pattern REFERENCE =
      Pattern.compile("\\$(?:\\{([A-Za-z_][A-Za-z0-9_]*)}|([A-Za-z_][A-Za-z0-9_]*))");

  /**
   * One assignment.
   *
   * @param line 1-based line where it starts
   * @param raw the value as written, quotes removed
   * @param value the value with references expanded
   * @param through the assignments whose values were pulled in by references, recursively
   */
  public record Assignment(
      String name, int line, String raw, String value, List<Assignment> through) {}

  private ShellAssignments() {}

  public static List<Assignment> parse(String text, Map<String, String> environment) {
    List<Assignment> result = new ArrayList<>();
    Map<String, Assignment> known = new HashMap<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      Matcher m = START.matcher(lines[i]);
      if (!m.matches() || lines[i].trim().startsWith("#")) {
        continue;
      }
      String name = m.group(1);
      String rest = m.group(2);
      int startLine = i + 1;
      String raw;
      if (rest.startsWith("\"") || rest.startsWith("'")) {
        char quote = rest.charAt(0);
        StringBuilder value = new StringBuilder(rest.substring(1));
        int close = closing(value, quote);
        while (close < 0 && i + 1 < lines.length) {
          value.append('\n').append(lines[++i]);
          close = closing(value, quote);
        }
        raw = close < 0 ? value.toString() : value.substring(0, close);
        if (quote == '\'') {
          Assignment a = new Assignment(name, startLine, raw, raw, List.of());
          result.add(a);
          known.put(name, a);
          continue;
        }
      } else if (rest.startsWith("(")) {
        StringBuilder value = new StringBuilder(rest);
        while (value.indexOf(")") < 0 && i + 1 < lines.length) {
          value.append('\n').append(lines[++i]);
        }
        raw = value.toString();
        Assignment a = new Assignment(name, startLine, raw, raw, List.of());
        result.add(a);
        known.put(name, a);
        continue;
      } else {
        int hash = rest.indexOf(" #");
        raw = (hash >= 0 ? rest.substring(0, hash) : rest).trim();
      }
      List<Assignment> through = new ArrayList<>();
      StringBuilder expanded = new StringBuilder();
      Matcher ref = REFERENCE.matcher(raw);
      while (ref.find()) {
        String var = ref.group(1) != null ? ref.group(1) : ref.group(2);
        Assignment source = known.get(var);
        String value;
        if (source != null) {
          through.add(source);
          through.addAll(source.through());
          value = source.value();
        } else {
          value = environment.getOrDefault(var, "");
        }
        ref.appendReplacement(expanded, Matcher.quoteReplacement(value));
      }
      ref.appendTail(expanded);
      Assignment a =
          new Assignment(name, startLine, raw, expanded.toString(), List.copyOf(through));
      result.add(a);
      known.put(name, a);
    }
    return result;
  }

  /** Index of the closing quote, skipping backslash escapes inside double quotes; -1 if none. */
  private static int closing(CharSequence s, char quote) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && quote == '"') {
        i++;
      } else if (c == quote) {
        return i;
      }
    }
    return -1;
  }
}
