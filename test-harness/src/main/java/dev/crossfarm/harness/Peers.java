package dev.crossfarm.harness;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The real peers every module's tests run: the stock distcc client, make, compilers, qemu, and
 * Debian's lua 5.4 source as the build they compare. A missing tool fails the test with what
 * installs it; it is never skipped. Every command is bounded in time.
 */
public final class Peers {

  private Peers() {}

  /** Where .ci/setup unpacks lua 5.4 from Debian's source package. */
  public static Path luaSource() {
    String env = System.getenv("CROSSFARM_LUA_SRC");
    Path dir =
        env != null
            ? Path.of(env)
            : Path.of(System.getProperty("user.home"), ".cache", "crossfarm", "lua5.4");
    if (!Files.isRegularFile(dir.resolve("src/lapi.c"))) {
      fail(
          "no lua 5.4 source at "
              + dir
              + ": run 'bash .ci/setup' once (it fetches Debian's lua5.4 source)");
    }
    return dir;
  }

  /** Fails, saying what installs them, unless every command is on the PATH. */
  public static void require(String... commands) {
    for (String c : commands) {
      boolean found =
          Stream.of(System.getenv("PATH").split(":"))
              .anyMatch(d -> Files.isExecutable(Path.of(d, c)));
      if (!found) {
        fail(c + " is not installed: run 'bash .ci/setup' (installs the test tools from Debian)");
      }
    }
  }

  /** A fresh copy of the tree {@code source} at {@code target}. */
  public static Path copyTree(Path source, Path target) throws IOException {
    try (Stream<Path> all = Files.walk(source)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        Path to = target.resolve(source.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(to);
        } else {
          Files.copy(p, to);
        }
      }
    }
    return target;
  }

  /** The result of a finished command; its output as UTF-8 text. */
  public record Run(int exit, String out, String err) {

    /** This run, or a failed test naming {@code what}, the exit code and the output's end. */
    public Run ok(String what) {
      if (exit != 0) {
        fail(what + " exited " + exit + "\nstderr:\n" + tail(err) + "\nstdout:\n" + tail(out));
      }
      return this;
    }

    private static String tail(String s) {
      return s.length() > 4000 ? "..." + s.substring(s.length() - 4000) : s;
    }
  }

  /** Runs a command in {@code dir} with extra environment, bounded by {@code seconds}. */
  public static Run run(Path dir, Map<String, String> env, int seconds, List<String> command) {
    List<String> bounded =
        new ArrayList<>(List.of("timeout", "-k", "5", Integer.toString(seconds)));
    bounded.addAll(command);
    try {
      Path out = Files.createTempFile("peer-out", ".txt");
      Path err = Files.createTempFile("peer-err", ".txt");
      ProcessBuilder pb =
          new ProcessBuilder(bounded)
              .directory(dir.toFile())
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      pb.environment().putAll(env);
      Process p = pb.start();
      if (!p.waitFor(seconds + 15L, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        p.waitFor();
      }
      Run r =
          new Run(
              p.exitValue(),
              Files.readString(out, StandardCharsets.UTF_8),
              Files.readString(err, StandardCharsets.UTF_8));
      Files.delete(out);
      Files.delete(err);
      return r;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Builds lua's {@code linux} target from clean in {@code lua/src} with {@code make -j4}, the
   * given CC and MYCFLAGS (lua's Makefile puts them after its own -O2), or fails the test.
   */
  public static void buildLua(Path lua, Map<String, String> env, String cc, String cflags) {
    Path src = lua.resolve("src");
    run(src, env, "make", "-s", "clean").ok("make clean");
    run(src, env, 600, List.of("make", "-s", "-j4", "linux", "CC=" + cc, "MYCFLAGS=" + cflags))
        .ok("lua build with CC=" + cc);
  }

  /** Runs a command bounded by 10 minutes. */
  public static Run run(Path dir, Map<String, String> env, String... command) {
    return run(dir, env, 600, List.of(command));
  }

  /**
   * The environment of a stock client that must compile remotely or fail: no local fallback, no
   * backoff (so each job really reaches the volunteer). Every call is bounded by {@link #run}.
   */
  public static Map<String, String> distccEnv(String hosts, Path distccDir) throws IOException {
    return distccEnv(hosts, distccDir, false);
  }

  /**
   * A stock client bound to {@code hosts}; with {@code fallback} it compiles locally what a host
   * fails, and backs that host off for 60 s, as a user's client does by default.
   */
  public static Map<String, String> distccEnv(String hosts, Path distccDir, boolean fallback)
      throws IOException {
    Files.createDirectories(distccDir);
    Map<String, String> env = new HashMap<>();
    env.put("DISTCC_HOSTS", hosts);
    env.put("DISTCC_DIR", distccDir.toString());
    env.put("DISTCC_FALLBACK", fallback ? "1" : "0");
    env.put("DISTCC_BACKOFF_PERIOD", fallback ? "60" : "0");
    if (!fallback) {
      env.put("DISTCC_SKIP_LOCAL_RETRY", "1");
    }
    return Map.copyOf(env);
  }

  /** Every *.o in {@code dir}, sorted by name. */
  public static List<Path> objects(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".o")).sorted(Comparator.naturalOrder()).toList();
    }
  }

  /** Names of the objects whose bytes differ between two directories (or that one lacks). */
  public static List<String> differingObjects(Path expected, Path actual) throws IOException {
    List<String> differ = new ArrayList<>();
    for (Path e : objects(expected)) {
      Path a = actual.resolve(e.getFileName().toString());
      if (!Files.exists(a) || Files.mismatch(e, a) != -1) {
        differ.add(e.getFileName().toString());
      }
    }
    return differ;
  }

  /** Copies every *.o of {@code from} into {@code to}. */
  public static void copyObjects(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    for (Path o : objects(from)) {
      Files.copy(o, to.resolve(o.getFileName().toString()));
    }
  }
}
