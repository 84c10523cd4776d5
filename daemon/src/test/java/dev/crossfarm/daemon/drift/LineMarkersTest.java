package dev.crossfarm.daemon.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.crossfarm.daemon.drift.LineMarkers.ClientCompiler;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LineMarkersTest {

  private static ClientCompiler of(String source) {
    return LineMarkers.of(source.getBytes(StandardCharsets.UTF_8));
  }

  @ParameterizedTest
  @CsvSource({
    "/usr/lib/gcc/x86_64-linux-gnu/11/include/stddef.h, 11",
    "/usr/lib/gcc/aarch64-unknown-linux-gnu/14.2.1/include/stdarg.h, 14",
    "/usr/lib/gcc-cross/aarch64-linux-gnu/12/include/stddef.h, 12",
    "/usr/lib/gcc/x86_64-linux-gnu/13/include-fixed/limits.h, 13",
    "/opt/x-tools8/aarch64-unknown-linux-gnu/lib/gcc/aarch64-unknown-linux-gnu/8.3.0/include/stddef.h, 8",
    "/usr/lib64/gcc/x86_64-pc-linux-gnu/13/include/stddef.h, 13",
    "/usr/include/c++/14/vector, 14",
    "/usr/aarch64-linux-gnu/include/c++/12/bits/stl_vector.h, 12",
    "/opt/x-tools7h/arm-unknown-linux-gnueabihf/arm-unknown-linux-gnueabihf/include/c++/8.3.0/string, 8"
  })
  void namesTheMajorVersionOfEveryKnownCompilerDirectory(String header, int major) {
    ClientCompiler c = of("int a;\n# 1 \"" + header + "\" 1 3 4\nint b;\n");
    assertEquals(major, c.major());
    assertEquals(header, c.header());
  }

  @Test
  void aSourceWithoutCompilerHeadersTellsNothing() {
    assertNull(
        of(
            "# 0 \"d.c\"\n# 0 \"<built-in>\"\n# 1 \"/usr/include/stdc-predef.h\" 1 3 4\n"
                + "# 1 \"/usr/include/stdio.h\" 1 3 4\nint x;\n"));
    assertNull(of(""));
  }

  @Test
  void onlyMarkersCountNotCodeOrStringsThatLookLikePaths() {
    assertNull(
        of(
            "const char *p = \"/usr/lib/gcc/x86_64-linux-gnu/11/include/stddef.h\";\n"
                + "  # 1 \"/usr/lib/gcc/x86_64-linux-gnu/11/include/stddef.h\"\n"
                + "#pragma GCC diagnostic push\n"
                + "#define X \"/usr/include/c++/11/x\"\n"));
  }

  @Test
  void theFirstCompilerHeaderDecides() {
    ClientCompiler c =
        of(
            "# 1 \"a.c\"\n# 1 \"/usr/lib/gcc/x86_64-linux-gnu/11/include/stddef.h\" 1 3 4\n"
                + "# 1 \"/usr/lib/gcc/x86_64-linux-gnu/12/include/stdarg.h\" 1 3 4\n");
    assertEquals(11, c.major());
  }

  @Test
  void readsLineDirectivesEscapesAndAMarkerWithoutNewline() {
    assertEquals(12, of("#line 7 \"/usr/lib/gcc/x/12/include/a.h\"\n").major());
    assertEquals(
        "/usr/include/c++/13/we\"ird", of("# 1 \"/usr/include/c++/13/we\\\"ird\" 1\n").header());
    assertEquals(14, of("x;\n# 1 \"/usr/include/c++/14/vector\"").major());
  }

  @Test
  void findsAMarkerSplitAcrossWrites() {
    byte[] source =
        "int a;\n# 1 \"/usr/lib/gcc-cross/arm-linux-gnueabihf/12/include/stddef.h\" 1 3 4\n"
            .getBytes(StandardCharsets.UTF_8);
    for (int split = 0; split <= source.length; split++) {
      LineMarkers m = new LineMarkers();
      m.update(source, 0, split);
      m.update(source, split, source.length - split);
      assertEquals(12, m.compiler().major(), "split at " + split);
    }
  }

  @Test
  void aMarkerLongerThanTheBoundIsIgnoredNotOverflowed() {
    String longPath = "/x".repeat(LineMarkers.MAX_MARKER) + "/usr/include/c++/11/v";
    assertNull(of("# 1 \"" + longPath + "\"\n"));
  }
}
