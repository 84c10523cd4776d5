package dev.crossfarm.daemon.cache;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * What makes a compiler's output what it is, as one digest: the contents of the driver and of the
 * programs it runs for a compile ({@code cc1}, {@code cc1plus}, {@code as}), its {@code
 * -dumpfullversion} and {@code -dumpmachine}, and the environment it runs in (PATH, and LANG, which
 * changes the diagnostics). Taken once per driver and kept while the files stay as they were: every
 * job compares their size, time and inode (a few {@code stat}s), so a compiler upgraded in place
 * gets a new identity on its next job and never hits the old one's entries. The identity is also
 * kept in the cache's directory with those stamps, so a volunteer process that serves one job
 * ({@code --inetd}) reads it instead of the compiler.
 */
public final class CompilerIdentity {

  /** The helper programs a compile to an object runs, as the driver names them. */
  private static final List<String> PROGRAMS = List.of("cc1", "cc1plus", "as");

  private record Stamp(Path file, long size, long modified, String inode) {
    static Stamp of(Path file) throws IOException {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      return new Stamp(
          file, a.size(), a.lastModifiedTime().toMillis(), String.valueOf(a.fileKey()));
    }

    String line() {
      return "stamp\t" + file + "\t" + size + "\t" + modified + "\t" + inode;
    }

    static Stamp parse(String line) {
      String[] f = line.split("\t");
      if (f.length != 5 || !f[0].equals("stamp")) {
        throw new IllegalArgumentException("not a stamp: " + line);
      }
      return new Stamp(Path.of(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]), f[4]);
    }
  }

  private record Taken(Path realDriver, byte[] digest, List<Stamp> stamps) {
    boolean current(Path driver) {
      try {
        if (!driver.toRealPath().equals(realDriver)) {
          return false;
        }
        for (Stamp s : stamps) {
          if (!Stamp.of(s.file()).equals(s)) {
            return false;
          }
        }
        return true;
      } catch (IOException gone) {
        return false;
      }
    }
  }

  private final Map<Path, Taken> taken = new ConcurrentHashMap<>();
  private final Map<Stamp, byte[]> contents = new ConcurrentHashMap<>();
  private final Path saved;
  private final Function<Path, Map<String, String>> environment;

  /**
   * @param saved where identities are kept between processes (an {@code --inetd} volunteer lives
   *     for one job, and taking an identity reads the whole compiler), or null for memory only
   * @param environment the environment a driver runs in ({@code CompilerProcess#environment})
   */
  public CompilerIdentity(Path saved, Function<Path, Map<String, String>> environment) {
    this.saved = saved;
    this.environment = environment;
  }

  /**
   * The identity of {@code driver}, taken again when one of its files changed.
   *
   * @throws IOException when the compiler cannot be asked or read: the job is not cached
   */
  public byte[] of(Path driver) throws IOException {
    Taken t = taken.get(driver);
    return t != null && t.current(driver) ? t.digest() : refresh(driver).digest();
  }

  /**
   * Loads or takes the identity, one job at a time: jobs that arrive together wait for one reading
   * of the compiler instead of each reading it (tens of megabytes).
   */
  private synchronized Taken refresh(Path driver) throws IOException {
    Taken t = taken.get(driver);
    if (t != null && t.current(driver)) {
      return t;
    }
    t = load(driver);
    if (t == null || !t.current(driver)) {
      t = take(driver);
      save(driver, t);
    }
    taken.put(driver, t);
    return t;
  }

  private Path savedFile(Path driver) {
    byte[] name = Digests.sha256().digest(driver.toString().getBytes(StandardCharsets.UTF_8));
    return saved.resolve(HexFormat.of().formatHex(name));
  }

  private Taken load(Path driver) {
    if (saved == null) {
      return null;
    }
    try {
      List<String> lines = Files.readAllLines(savedFile(driver));
      if (lines.size() < 3
          || !lines.get(0).startsWith("driver\t")
          || !lines.get(1).startsWith("digest\t")) {
        return null;
      }
      List<Stamp> stamps = new ArrayList<>();
      for (String l : lines.subList(2, lines.size())) {
        stamps.add(Stamp.parse(l));
      }
      return new Taken(
          Path.of(lines.get(0).substring(7)),
          HexFormat.of().parseHex(lines.get(1).substring(7)),
          List.copyOf(stamps));
    } catch (IOException | RuntimeException absentOrDamaged) {
      return null; // taken again
    }
  }

  private void save(Path driver, Taken t) {
    if (saved == null) {
      return;
    }
    StringBuilder b = new StringBuilder();
    b.append("driver\t").append(t.realDriver()).append('\n');
    b.append("digest\t").append(HexFormat.of().formatHex(t.digest())).append('\n');
    t.stamps().forEach(s -> b.append(s.line()).append('\n'));
    Path file = savedFile(driver);
    try {
      Files.createDirectories(saved);
      Path temp = Files.createTempFile(saved, "identity", ".tmp");
      try {
        Files.writeString(temp, b);
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(temp);
      }
    } catch (IOException readOnlyOrFull) {
      // kept in memory only; the next process takes it again
    }
  }

  private Taken take(Path driver) throws IOException {
    Map<String, String> env = environment.apply(driver);
    Path real = driver.toRealPath();
    List<Path> files = new ArrayList<>();
    files.add(real);
    for (String program : PROGRAMS) {
      Path p = locate(ask(driver, env, "-print-prog-name=" + program), env);
      if (p != null) {
        files.add(p.toRealPath());
      }
    }
    MessageDigest d = Digests.sha256();
    line(d, "crossfarm compiler identity 1");
    line(d, "version " + ask(driver, env, "-dumpfullversion"));
    line(d, "machine " + ask(driver, env, "-dumpmachine"));
    new TreeMap<>(env).forEach((k, v) -> line(d, "env " + k + "=" + v));
    List<Stamp> stamps = new ArrayList<>();
    for (Path f : files) {
      Stamp before = Stamp.of(f);
      byte[] content = contents.get(before);
      if (content == null) {
        // gcc and g++ share cc1, cc1plus and as: each is read once while it stays the same
        content = contentDigest(f);
        contents.put(before, content);
      }
      line(d, "file " + f + " " + HexFormat.of().formatHex(content));
      stamps.add(before);
    }
    return new Taken(real, d.digest(), List.copyOf(stamps));
  }

  /** A program name the driver printed, as a file: absolute, or found on the compiler's PATH. */
  private static Path locate(String name, Map<String, String> env) {
    if (name.isEmpty()) {
      return null;
    }
    if (name.startsWith("/")) {
      return Files.isRegularFile(Path.of(name)) ? Path.of(name) : null;
    }
    if (name.contains("/")) {
      return null;
    }
    for (String dir : Objects.requireNonNullElse(env.get("PATH"), "").split(":")) {
      Path p = Path.of(dir.isEmpty() ? "." : dir, name);
      if (!dir.isEmpty() && Files.isRegularFile(p) && Files.isExecutable(p)) {
        return p;
      }
    }
    return null; // gcc prints the bare name of a program it does not have (cc1plus without g++)
  }

  private static String ask(Path driver, Map<String, String> env, String option)
      throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder(driver.toString(), option)
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().clear();
    pb.environment().putAll(env);
    Process p = pb.start();
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException(driver + " " + option + " failed: " + out);
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while asking " + driver + " " + option);
    } finally {
      p.destroyForcibly();
    }
  }

  private static byte[] contentDigest(Path file) throws IOException {
    MessageDigest d = Digests.sha256();
    byte[] buffer = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buffer)) > 0; ) {
        d.update(buffer, 0, n);
      }
    }
    return d.digest();
  }

  private static void line(MessageDigest d, String text) {
    d.update((text + "\n").getBytes(StandardCharsets.UTF_8));
  }
}
