package dev.crossfarm.daemon.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.crossfarm.daemon.job.ArgumentPolicy;
import dev.crossfarm.daemon.job.CompileCommand;
import dev.crossfarm.toolchain.CompilerName;
import dev.crossfarm.toolchain.ToolchainCatalog;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CacheKeyTest {

  private final ArgumentPolicy policy = new ArgumentPolicy();
  private final ToolchainCatalog catalog = ToolchainCatalog.builtIn();
  private final byte[] compiler = digest("gcc 12.2.0 identity");
  private final byte[] source = digest("int f(void) { return 1; }");

  private static byte[] digest(String text) {
    return Digests.sha256().digest(text.getBytes(StandardCharsets.UTF_8));
  }

  private CompileCommand command(String line) throws Exception {
    List<String> argv = Arrays.asList(line.split(" "));
    CompilerName name = catalog.get("x86_64").accept(argv.get(0)).orElseThrow();
    return policy.check(name, argv);
  }

  private CacheKey key(String line) throws Exception {
    return CacheKey.of(compiler, command(line), source);
  }

  @Test
  void theClientsOwnFileNamesDoNotEnterTheKey() throws Exception {
    // the job's paths replace them: the same source and flags give the same object
    assertEquals(
        key("gcc -O2 -c lapi.c -o lapi.o"), key("gcc -O2 -c /home/u/lua/src/lapi.c -o /tmp/x.o"));
  }

  @Test
  void everyFlagAndDefineChangesTheKey() throws Exception {
    List<String> lines =
        List.of(
            "gcc -c a.c -o a.o",
            "gcc -O2 -c a.c -o a.o",
            "gcc -O1 -c a.c -o a.o",
            "gcc -O2 -g -c a.c -o a.o",
            "gcc -O2 -DX=1 -c a.c -o a.o",
            "gcc -O2 -DX=2 -c a.c -o a.o",
            "gcc -O2 -march=armv8-a -c a.c -o a.o",
            "gcc -c -O2 a.c -o a.o",
            "gcc -S a.c -o a.s",
            "g++ -c a.c -o a.o",
            "gcc -c a.cpp -o a.o");
    Set<CacheKey> keys = new HashSet<>();
    for (String l : lines) {
      keys.add(key(l));
    }
    assertEquals(lines.size(), keys.size(), "one key per command line");
  }

  @Test
  void everySourceByteChangesTheKey() throws Exception {
    CompileCommand c = command("gcc -O2 -c a.c -o a.o");
    byte[] text = "int f(void) { return 1; }".getBytes(StandardCharsets.UTF_8);
    Set<CacheKey> keys = new HashSet<>();
    keys.add(CacheKey.of(compiler, c, Digests.sha256().digest(text)));
    for (int i = 0; i < text.length; i++) {
      byte[] changed = text.clone();
      changed[i] ^= 1;
      keys.add(CacheKey.of(compiler, c, Digests.sha256().digest(changed)));
    }
    assertEquals(text.length + 1, keys.size());
  }

  @Test
  void anotherCompilerIdentityIsAnotherKey() throws Exception {
    CompileCommand c = command("gcc -O2 -c a.c -o a.o");
    assertNotEquals(
        CacheKey.of(digest("gcc 12.2.0"), c, source), CacheKey.of(digest("gcc 12.3.0"), c, source));
  }

  @Test
  void argumentsCannotBeShiftedIntoOneAnother() throws Exception {
    // "-DA -DB" and "-DA-DB"-like joins read differently: every argument carries its length
    assertNotEquals(key("gcc -DAB -c a.c -o a.o"), key("gcc -DA -DB -c a.c -o a.o"));
  }
}
