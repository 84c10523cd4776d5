package dev.crossfarm.daemon.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crossfarm.harness.Peers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Warnings and errors through the volunteer read as the client's own compile under {@code
 * LANG=C.UTF-8}, line for line: the volunteer runs its compilers under C.UTF-8 (--locale), so gcc
 * quotes with ‘…’ as it does for a UTF-8 user, not with ASCII quotes. The source-snippet lines a
 * local compile adds are left out: a preprocessed source cannot show them.
 */
class DiagnosticsIT {

  // no format-string warning: its column inside a string literal comes from the original file,
  // which the volunteer does not have (as with stock distccd)
  private static final String WARNINGS =
      "#include <stdio.h>\n"
          + "int f(int x) { int unused; return x; }\n"
          + "int g(unsigned u, int i) { switch (i) { case 1: i++; case 2: return u < i; } return 0; }\n";

  private static final String ERROR = "int h(void) { return undeclared_name; }\n";

  /** Diagnostics without the snippet lines ({@code 2 | code}, {@code | ^~~}) and distcc's. */
  private static List<String> diagnostics(String stderr) {
    return stderr
        .lines()
        .filter(l -> !l.matches("\\s*\\d*\\s*\\|.*"))
        .filter(l -> !l.startsWith("distcc["))
        .toList();
  }

  @Test
  void warningsAndErrorsMatchALocalUtf8CompileLineForLine(@TempDir Path work) throws Exception {
    Peers.require("distcc", "gcc");
    Files.writeString(work.resolve("w.c"), WARNINGS);
    Files.writeString(work.resolve("e.c"), ERROR);
    Map<String, String> utf8 = Map.of("LANG", "C.UTF-8");
    try (Volunteer v = Volunteer.forToolchain("x86_64").start()) {
      Map<String, String> client =
          new HashMap<>(Peers.distccEnv(v.host(",lzo"), work.resolve("dcc")));
      client.putAll(utf8);
      for (String file : List.of("w.c", "e.c")) {
        Peers.Run local =
            Peers.run(work, utf8, "gcc", "-Wall", "-Wextra", "-c", file, "-o", "local.o");
        Peers.Run farm =
            Peers.run(
                work, client, "distcc", "gcc", "-Wall", "-Wextra", "-c", file, "-o", "farm.o");
        assertEquals(local.exit() == 0, farm.exit() == 0, file + ": " + farm.err());
        assertEquals(diagnostics(local.err()), diagnostics(farm.err()), file);
        assertTrue(farm.err().contains("‘"), "UTF-8 quotes: " + farm.err());
      }
      assertNotEquals(0, v.summaries().size());
    }
  }
}
