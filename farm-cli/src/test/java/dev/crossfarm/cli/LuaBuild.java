package dev.crossfarm.cli;

import dev.crossfarm.harness.Peers;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * lua 5.4 (Debian's source) built once locally as the reference, then again through the stock
 * distcc client, and the two sets of objects compared byte for byte.
 */
final class LuaBuild {

  private final Path src;
  private final Path reference;
  private final String compiler;
  private final List<String> makeVariables;

  private LuaBuild(Path src, Path reference, String compiler, List<String> makeVariables) {
    this.src = src;
    this.reference = reference;
    this.compiler = compiler;
    this.makeVariables = makeVariables;
  }

  /**
   * Copies lua under {@code work} and builds it with {@code compiler} (e.g. "gcc -std=gnu99");
   * {@code makeVariables} go to every make (AR=..., RANLIB=... for a cross build).
   */
  static LuaBuild reference(Path work, String compiler, String... makeVariables)
      throws IOException {
    Path lua = Cli.copyLua(work.resolve("lua"));
    Path src = lua.resolve("src");
    LuaBuild build =
        new LuaBuild(src, work.resolve("lua-reference"), compiler, List.of(makeVariables));
    Cli.run(src, Map.of(), 600, build.make("2", compiler)).ok("local lua build");
    Peers.copyObjects(src, build.reference);
    return build;
  }

  /** make clean, then make with {@code distcc COMPILER} in {@code env}. */
  Peers.Run throughDistcc(Map<String, String> env, String jobs) {
    Cli.run(src, Map.of(), 60, List.of("make", "-s", "clean")).ok("make clean");
    return Cli.run(src, env, 900, make(jobs, "distcc " + compiler));
  }

  /** Objects that differ from the local build (or are missing); fails if lua built too few. */
  List<String> differing() throws IOException {
    int expected = Peers.objects(reference).size();
    if (expected < 30) {
      throw new IllegalStateException("the local lua build has only " + expected + " objects");
    }
    return Peers.differingObjects(reference, src);
  }

  Path source() {
    return src;
  }

  private List<String> make(String jobs, String cc) {
    List<String> cmd = new ArrayList<>(List.of("make", "-s", "-j" + jobs, "linux", "CC=" + cc));
    cmd.addAll(makeVariables);
    return cmd;
  }
}
