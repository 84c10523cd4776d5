package dev.crossfarm.daemon.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crossfarm.toolchain.CompilerName;
import dev.crossfarm.toolchain.ToolchainCatalog;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ArgumentPolicyTest {

  private final ArgumentPolicy policy = new ArgumentPolicy();
  private final CompilerName gcc =
      ToolchainCatalog.builtIn().get("x86_64").accept("x86_64-linux-gnu-gcc").orElseThrow();
  private final CompileCommand.JobPaths job =
      new CompileCommand.JobPaths(
          Path.of("/jobs/1/in.i"), Path.of("/jobs/1/out.o"), Path.of("/jobs/1/deps.d"), null);

  private List<String> run(String line) throws JobRefusedException {
    List<String> argv = new ArrayList<>(Arrays.asList(line.split(" ")));
    return policy.check(gcc, argv).commandLine(Path.of("/usr/bin/x86_64-linux-gnu-gcc"), job);
  }

  private String refusal(String line) {
    List<String> argv = Arrays.asList(line.split(" "));
    return assertThrows(JobRefusedException.class, () -> policy.check(gcc, argv)).getMessage();
  }

  @Test
  void acceptsWhatTheStockClientSendsForLuaAndPointsPathsIntoTheJob() throws Exception {
    assertEquals(
        List.of(
            "/usr/bin/x86_64-linux-gnu-gcc",
            "-std=gnu99",
            "-O2",
            "-Wall",
            "-Wextra",
            "-c",
            "-o",
            "/jobs/1/out.o",
            "/jobs/1/in.i"),
        run("x86_64-linux-gnu-gcc -std=gnu99 -O2 -Wall -Wextra -c -o lapi.o lapi.c"));
  }

  @Test
  void keepsDebugAndArchLinuxMakepkgFlags() throws Exception {
    String flags =
        "gcc -march=armv8-a -O2 -pipe -fno-plt -fexceptions -Wp,-D_FORTIFY_SOURCE=3 -Wformat"
            + " -Werror=format-security -fstack-clash-protection -fcf-protection"
            + " -fno-omit-frame-pointer -mno-omit-leaf-frame-pointer -g"
            + " -ffile-prefix-map=/build/pkg/src=/usr/src/debug/pkg -flto=auto -c x.c -o x.o";
    // -Wp, is refused: the client preprocesses (and strips it); everything else passes
    assertTrue(refusal(flags).contains("'-Wp,-D_FORTIFY_SOURCE=3'"));
    List<String> line = run(flags.replace(" -Wp,-D_FORTIFY_SOURCE=3", ""));
    assertTrue(line.contains("-ffile-prefix-map=/build/pkg/src=/usr/src/debug/pkg"));
    assertTrue(line.contains("-flto=auto"));
  }

  @Test
  void addsAnOutputWhenTheClientGaveNone() throws Exception {
    List<String> line = run("gcc -c a.c");
    assertEquals(List.of("-o", "/jobs/1/out.o"), line.subList(line.size() - 2, line.size()));
  }

  @Test
  void rewritesJoinedOutputAndDependencyFileIntoTheJob() throws Exception {
    List<String> line = run("gcc -c a.c -o/etc/passwd -MD -MF /etc/shadow");
    assertFalse(line.contains("/etc/passwd") || line.contains("-o/etc/passwd"));
    assertFalse(line.contains("/etc/shadow"));
    assertTrue(line.contains("/jobs/1/deps.d"));
  }

  @Test
  void knowsTheInputExtensionOfEachLanguage() throws Exception {
    assertEquals(".ii", policy.check(gcc, List.of("g++", "-c", "a.cpp")).inputExtension());
    assertEquals(".i", policy.check(gcc, List.of("gcc", "-c", "a.c")).inputExtension());
    assertEquals(".s", policy.check(gcc, List.of("gcc", "-c", "a.S")).inputExtension());
    assertTrue(policy.check(gcc, List.of("gcc", "-S", "a.c", "-o", "a.s")).assemblyOnly());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "gcc -c x.c -wrapper /bin/sh,-c,id",
        "gcc -c x.c -fplugin=/tmp/evil.so",
        "gcc -c x.c -fplugin-arg-evil-x=1",
        "gcc -c x.c -specs=/tmp/evil.specs",
        "gcc -c x.c -B/tmp/evil/",
        "gcc -c x.c -B /tmp/evil/",
        "gcc -c x.c @/etc/passwd",
        "gcc -c x.c -aux-info /tmp/owned",
        "gcc -c x.c -dumpdir /tmp/",
        "gcc -c x.c -dumpbase x",
        "gcc -c x.c -I/etc",
        "gcc -c x.c -include /etc/passwd",
        "gcc -c x.c -isystem /usr/include",
        "gcc -c x.c --sysroot=/",
        "gcc -c x.c -Wa,-alh=/tmp/listing",
        "gcc -c x.c -Wa,--MD,../deps",
        "gcc -c x.c -fdump-tree-all",
        "gcc -c x.c -fprofile-use=/etc",
        "gcc -c x.c -fprofile-generate",
        "gcc -c x.c --coverage",
        "gcc -c x.c -fcompare-debug=-wrapper",
        "gcc -c x.c -save-temps",
        "gcc -c x.c -march=native",
        "gcc -c x.c -mtune=native",
        "gcc -c x.c -mcpu=native",
        "gcc -c x.c -fopt-info-vec=/tmp/x",
        "gcc -c x.c --param=max-inline-insns-auto=../x",
        "gcc --param -include a.c -S -c",
        "gcc -c x.c -x c",
        "gcc -E x.c",
        "gcc x.c -o x",
        "gcc -c x.c y.c",
        "gcc -c x.txt",
        "gcc -c -",
        "gcc -c x.c -print-file-name=libc.so",
        "gcc -c x.c -Xclang -load",
        "gcc -c x.c -frobnicate=/etc/passwd",
        "gcc -c x.c --no-such-long-option",
        "gcc -c x.c -o",
        "gcc -c x.c -o a.o -o b.o",
        "gcc -c x.c -gsplit-dwarf"
      })
  void refusesOptionsThatReachOutsideTheJobOrCannotBeDistributed(String line) {
    String message = refusal(line);
    assertTrue(message.startsWith("refused"), message);
  }

  @Test
  void refusalsNameTheArgumentAndTheReason() {
    assertEquals(
        "refused '-wrapper': runs a program of the client's choice on the volunteer",
        refusal("gcc -c x.c -wrapper /bin/sh,-c,id"));
    assertTrue(refusal("gcc -c x.c -march=native").contains("farm check-flags"));
    assertTrue(refusal("gcc x.c").contains("linking is not distributed"));
  }

  @Test
  void theRefusedArgumentIsNeverPassedOnEvenWhenJoined() {
    // a value glued to a refused option must not sneak through as an allowed shape
    for (String line :
        List.of("gcc -c x.c -wrapper=/bin/sh", "gcc -c x.c -specs", "gcc -c x.c -fplugin")) {
      assertTrue(refusal(line).startsWith("refused"), line);
    }
  }

  @Test
  void pumpJobsReRootAbsolutePathsTakeTheFirstMtAndAskForDependencies() throws Exception {
    CompileCommand c =
        policy.checkPump(
            gcc,
            Arrays.asList(
                "gcc -I/opt/inc -Iinc -isystem /usr/local/include -c /home/u/a.c -o a.o -MD -MT a.o"
                    .split(" ")),
            "/home/u");
    CompileCommand.JobPaths pump =
        new CompileCommand.JobPaths(
            null, Path.of("/j/out.o"), Path.of("/j/deps.d"), Path.of("/j/root"));
    List<String> line = c.commandLine(Path.of("/usr/bin/gcc"), pump);
    assertTrue(line.contains("-I/j/root/opt/inc") && line.contains("-Iinc"), line.toString());
    assertTrue(
        line.contains("/j/root/usr/local/include") && line.contains("/j/root/home/u/a.c"),
        line.toString());
    assertEquals("a.o", c.dependencyTarget());
    assertEquals(
        List.of("-MF", "/j/deps.d", "-MT", DependencyFile.SERVER_TARGET),
        line.subList(line.size() - 4, line.size()));
    assertFalse(line.contains("-MMD"), "-MD was there already");
  }

  @Test
  void pumpJobsStillRefuseWhatWouldReachOutside() {
    for (String bad :
        List.of(
            "gcc -I../../.. -c a.c",
            "gcc -c a.c -Wp,-MD,/etc/x",
            "gcc -c a.c --sysroot=/",
            "gcc -c a.c -imultilib x",
            "gcc -c a.c -iplugindir=/tmp",
            "gcc -c a.c -B/x")) {
      assertThrows(
          JobRefusedException.class,
          () -> policy.checkPump(gcc, Arrays.asList(bad.split(" ")), "/home/u"),
          bad);
    }
  }

  @Test
  void everyIncludeOptionAPumpJobMayCarryIsRefusedInAPlainJob() throws Exception {
    for (String include :
        List.of(
            "-I",
            "-include",
            "-imacros",
            "-idirafter",
            "-iprefix",
            "-iwithprefixbefore",
            "-iwithprefix",
            "-isystem",
            "-iquote")) {
      List<String> separate = List.of("gcc", include, "/usr/include/x", "-c", "/home/u/a.c");
      policy.checkPump(gcc, separate, "/home/u");
      JobRefusedException e =
          assertThrows(JobRefusedException.class, () -> policy.check(gcc, separate), include);
      assertTrue(e.getMessage().contains("include paths have no place"), e.getMessage());
      assertThrows(
          JobRefusedException.class,
          () -> policy.check(gcc, List.of("gcc", include + "inc", "-c", "a.c")),
          include);
    }
  }

  @Test
  void prefixMapsAreReRootedInPumpJobsAndKeptAsStringsInPlainOnes() throws Exception {
    for (String map : List.of("-fdebug-prefix-map=", "-ffile-prefix-map=", "-fmacro-prefix-map=")) {
      List<String> argv = List.of("gcc", map + "/home/u=.", "-c", "a.c");
      List<String> plain = policy.check(gcc, argv).commandLine(Path.of("/usr/bin/gcc"), job);
      assertTrue(plain.contains(map + "/home/u=."), plain.toString());
      CompileCommand.JobPaths pump =
          new CompileCommand.JobPaths(
              null, Path.of("/j/out.o"), Path.of("/j/deps.d"), Path.of("/j/root"));
      List<String> line =
          policy.checkPump(gcc, argv, "/home/u").commandLine(Path.of("/usr/bin/gcc"), pump);
      assertTrue(line.contains(map + "/j/root/home/u=."), line.toString());
    }
  }

  @Test
  void macroDefinitionsAreOnlyStrings() throws Exception {
    assertTrue(run("gcc -c x.c -DPATH=\"/usr/share\" -U NDEBUG").contains("-DPATH=\"/usr/share\""));
  }
}
