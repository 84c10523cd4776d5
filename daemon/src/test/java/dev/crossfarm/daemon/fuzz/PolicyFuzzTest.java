package dev.crossfarm.daemon.fuzz;

import static org.junit.jupiter.api.Assertions.assertFalse;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.crossfarm.daemon.job.ArgumentPolicy;
import dev.crossfarm.daemon.job.CompileCommand;
import dev.crossfarm.daemon.job.JobRefusedException;
import dev.crossfarm.daemon.job.JobRoot;
import dev.crossfarm.toolchain.CompilerName;
import dev.crossfarm.toolchain.ToolchainCatalog;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The argument policy and the pump job root on arbitrary input: whatever is accepted never carries
 * an option that could run a program, load code or reach a path of the volunteer, and no sequence
 * of names and links puts anything outside the root.
 */
class PolicyFuzzTest {

  private static final List<String> NEVER =
      List.of(
          "-wrapper",
          "-B",
          "-specs",
          "-fplugin",
          "--sysroot",
          "-isysroot",
          "-aux-info",
          "-dump",
          "-fdump-",
          "-fcompare-debug",
          "-Xclang",
          "-Xlinker",
          "-Wp,",
          "-x",
          "-E",
          "-print-",
          "-save-temps",
          "-fprofile-",
          "--coverage",
          "@");

  /** Words compile lines are made of, so the fuzzer reaches deep into the policy quickly. */
  private static final List<String> TOKENS =
      List.of(
          "-c",
          "-o",
          "x.o",
          "a.c",
          "-I",
          "-MT",
          "-D",
          "--param",
          "-include",
          "-MF",
          "-MD",
          "-S",
          "/etc/passwd",
          "..",
          "-Wa,",
          "-f",
          "-m",
          "-g");

  private static final CompilerName GCC =
      ToolchainCatalog.builtIn().get("x86_64").accept("gcc").orElseThrow();
  private static final CompileCommand.JobPaths PATHS =
      new CompileCommand.JobPaths(
          Path.of("/j/in.i"), Path.of("/j/out.o"), Path.of("/j/d.d"), Path.of("/j/root"));

  @FuzzTest(maxDuration = "30s")
  void acceptedArgumentsNeverCarryDangerousOptions(FuzzedDataProvider data) {
    List<String> argv = new ArrayList<>(List.of("gcc"));
    int n = data.consumeInt(0, 12);
    for (int i = 0; i < n; i++) {
      argv.add(data.consumeBoolean() ? data.pickValue(TOKENS) : data.consumeString(40));
    }
    boolean pump = data.consumeBoolean();
    CompileCommand command;
    try {
      ArgumentPolicy policy = new ArgumentPolicy();
      command = pump ? policy.checkPump(GCC, argv, "/home/u") : policy.check(GCC, argv);
    } catch (JobRefusedException refused) {
      return;
    }
    List<String> line = command.commandLine(Path.of("/usr/bin/gcc"), PATHS);
    for (int i = 1; i < line.size(); i++) {
      String arg = line.get(i);
      String previous = line.get(i - 1);
      if (List.of("-D", "-U", "-MT", "-MQ", "-Xassembler").contains(previous)) {
        continue; // strings, never opened; or an assembler option, checked as a simple value
      }
      for (String bad : NEVER) {
        assertFalse(arg.startsWith(bad) && !arg.equals("-MT"), "accepted " + arg + " in " + argv);
      }
      if (!pump) {
        assertFalse(
            arg.startsWith("-I") || arg.startsWith("-include"),
            "include path in plain mode: " + argv);
      }
    }
  }

  @FuzzTest(maxDuration = "30s")
  void noNamesOrLinksPutAnythingOutsideTheRoot(FuzzedDataProvider data) throws IOException {
    Path dir = Files.createTempDirectory("fuzz-root");
    try {
      Path outside = Files.createDirectory(dir.resolve("outside"));
      JobRoot root = new JobRoot(dir.resolve("root"));
      int n = data.consumeInt(1, 8);
      for (int i = 0; i < n; i++) {
        String name =
            data.pickValue(List.of("/", "/a", "/a/b", "/l", "/l/x", "/a/l", "/a/../x"))
                + data.consumeString(8);
        try {
          if (data.consumeBoolean()) {
            root.createLink(
                name,
                data.pickValue(List.of("/", "..", "../..", "a", "../outside", "/a", dir.toString()))
                    + data.consumeString(8));
          } else {
            try (OutputStream out = root.createFile(name)) {
              out.write(1);
            }
          }
        } catch (JobRefusedException refused) {
          // refused: fine
        } catch (FileSystemException | IllegalArgumentException notAName) {
          // the OS refused the name (too long, invalid): fine, nothing was created
        }
      }
      try (Stream<Path> s = Files.list(outside)) {
        assertFalse(s.findAny().isPresent(), "something was written outside the root");
      }
    } finally {
      try (Stream<Path> all = Files.walk(dir)) {
        all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
