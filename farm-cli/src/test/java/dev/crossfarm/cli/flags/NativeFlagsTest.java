package dev.crossfarm.cli.flags;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NativeFlagsTest {

  private static List<NativeFlags.Finding> find(String text, Map<String, String> env) {
    return NativeFlags.find("f.conf", ShellAssignments.parse(text, env));
  }

  @Test
  void reportsTheFlagWhereItIsWrittenAndWhereAReferencePullsItIn() {
    List<NativeFlags.Finding> f =
        find(
            "CFLAGS=\"-march=native -O2 -pipe\"\nCXXFLAGS=\"$CFLAGS -Wp,-D_GLIBCXX_ASSERTIONS\"\n",
            Map.of());
    assertEquals(2, f.size());
    assertEquals("f.conf:1: CFLAGS contains -march=native", f.get(0).describe());
    assertEquals(
        "f.conf:2: CXXFLAGS contains -march=native (through $CFLAGS, line 1)", f.get(1).describe());
  }

  @Test
  void followsBracedReferencesAcrossPortageStyleMultiLineValues() {
    String makeConf =
        "COMMON_FLAGS=\"-O2\n  -mtune=native -pipe\"\nCFLAGS=\"${COMMON_FLAGS}\"\nFCFLAGS='-mcpu=native'\n";
    List<NativeFlags.Finding> f = find(makeConf, Map.of());
    assertEquals(
        List.of("COMMON_FLAGS:1:-mtune=native", "CFLAGS:3:-mtune=native", "FCFLAGS:4:-mcpu=native"),
        f.stream().map(x -> x.variable() + ":" + x.line() + ":" + x.flag()).toList());
  }

  @Test
  void cleanFlagsCommentsAndLookAlikesAreNotReported() {
    assertTrue(
        find(
                "CFLAGS=\"-march=armv8-a -O2\"\n# CFLAGS=\"-march=native\"\nX=\"-march=nativeish\"\n",
                Map.of())
            .isEmpty());
  }

  @Test
  void referencesToTheEnvironmentAreExpandedButNotBlamedOnTheFile() {
    List<ShellAssignments.Assignment> a =
        ShellAssignments.parse("CFLAGS=\"$CFLAGS -O2\"\n", Map.of("CFLAGS", "-g"));
    assertEquals("-g -O2", a.get(0).value());
  }

  @Test
  void arraysAreKeptRaw() {
    List<ShellAssignments.Assignment> a =
        ShellAssignments.parse("BUILDENV=(!distcc color\n !ccache)\nX=1\n", Map.of());
    assertEquals("BUILDENV", a.get(0).name());
    assertEquals("X", a.get(1).name());
    assertEquals(3, a.get(1).line());
  }

  @Test
  void replacesOnlyTheResolvedFlags() {
    assertEquals(
        "CFLAGS=\"-march=skylake -mtune=native\"",
        NativeFlags.replace(
            "CFLAGS=\"-march=native -mtune=native\"", Map.of("-march=native", "-march=skylake")));
  }
}
