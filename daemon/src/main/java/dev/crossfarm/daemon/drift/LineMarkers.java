package dev.crossfarm.daemon.drift;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds which gcc preprocessed a source from its line markers ({@code # 1
 * "/usr/lib/gcc/x86_64-linux-gnu/12/include/stddef.h" 1 3 4}): the first header of a compiler's own
 * directory names its major version. Fed the source as it arrives, it looks only at lines that
 * start with {@code #} and stops looking once it knows, so a megabyte of code costs one pass over
 * its bytes and nothing else.
 *
 * <p>The directories it recognises: gcc's own {@code lib/gcc/TRIPLE/VERSION/include} (native
 * Debian, Arch, Fedora, Gentoo; Arch Linux ARM's x-tools under {@code /opt/x-tools*}), Debian's
 * cross compilers' {@code lib/gcc-cross/TRIPLE/VERSION/include}, and libstdc++'s {@code
 * include/c++/VERSION/}. Anything else tells nothing.
 */
public final class LineMarkers {

  /** A marker line longer than this is not a path worth reading. */
  static final int MAX_MARKER = 4096;

  private static final Pattern COMPILER_DIR =
      Pattern.compile(
          "/lib(?:32|64)?/gcc(?:-cross)?/[^/]+/(\\d{1,3})(?:\\.[0-9.]*)?/include(?:-fixed)?/"
              + "|/include/c\\+\\+/(\\d{1,3})(?:\\.[0-9.]*)?/");

  /**
   * The client's compiler as its headers name it: its major version and the header that said so.
   */
  public record ClientCompiler(int major, String header) {}

  private final byte[] line = new byte[MAX_MARKER];
  private int length;
  private boolean lineStart = true;
  private boolean inMarker;
  private ClientCompiler found;

  /** Reads the next {@code count} bytes of the source. */
  public void update(byte[] bytes, int offset, int count) {
    int end = offset + count;
    for (int i = offset; i < end && found == null; i++) {
      byte b = bytes[i];
      if (inMarker) {
        if (b == '\n') {
          inMarker = false;
          lineStart = true;
          inspect();
        } else if (length < line.length) {
          line[length++] = b;
        }
      } else if (lineStart && b == '#') {
        inMarker = true;
        lineStart = false;
        length = 0;
      } else {
        lineStart = b == '\n';
      }
    }
  }

  /** The compiler the markers so far name, or null when none has named one (yet). */
  public ClientCompiler compiler() {
    if (found == null && inMarker) {
      inspect(); // a source whose last line is a marker without a newline
    }
    return found;
  }

  /** The whole of a source at once (tests, fuzzing). */
  public static ClientCompiler of(byte[] source) {
    LineMarkers m = new LineMarkers();
    m.update(source, 0, source.length);
    return m.compiler();
  }

  private void inspect() {
    String path = quotedPath(line, length);
    if (path != null) {
      found = compilerOf(path);
    }
  }

  /** The major version a header's path names, or null. */
  static ClientCompiler compilerOf(String path) {
    Matcher m = COMPILER_DIR.matcher(path);
    if (!m.find()) {
      return null;
    }
    String major = m.group(1) != null ? m.group(1) : m.group(2);
    return new ClientCompiler(Integer.parseInt(major), path);
  }

  /**
   * The file name of a marker {@code # LINE "NAME" FLAGS} or {@code #line LINE "NAME"} (without the
   * {@code #}), with gcc's escapes undone; null when the line is another directive.
   */
  static String quotedPath(byte[] marker, int length) {
    int i = 0;
    while (i < length && marker[i] == ' ') {
      i++;
    }
    if (i + 4 <= length
        && marker[i] == 'l'
        && marker[i + 1] == 'i'
        && marker[i + 2] == 'n'
        && marker[i + 3] == 'e') {
      i += 4;
      while (i < length && marker[i] == ' ') {
        i++;
      }
    }
    int digits = i;
    while (i < length && marker[i] >= '0' && marker[i] <= '9') {
      i++;
    }
    if (i == digits) {
      return null;
    }
    while (i < length && marker[i] == ' ') {
      i++;
    }
    if (i >= length || marker[i] != '"') {
      return null;
    }
    byte[] name = new byte[length - i];
    int n = 0;
    for (i++; i < length; i++) {
      byte b = marker[i];
      if (b == '"') {
        return new String(name, 0, n, StandardCharsets.UTF_8);
      }
      if (b == '\\' && i + 1 < length) {
        b = marker[++i];
      }
      name[n++] = b;
    }
    return null; // no closing quote: not a marker
  }
}
