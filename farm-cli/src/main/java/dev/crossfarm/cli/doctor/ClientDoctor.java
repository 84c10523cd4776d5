package dev.crossfarm.cli.doctor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crossfarm.cli.doctor.Finding.Level;
import dev.crossfarm.cli.farm.StatsPage;
import dev.crossfarm.cli.flags.NativeFlags;
import dev.crossfarm.cli.flags.ShellAssignments;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;

/**
 * The checks of {@code farm doctor}, on the client: its host list as the stock client reads it, a
 * real test compile per host with the stock client (no fallback), the client's compiler against
 * each volunteer's (from its stats port), native CPU flags, and makepkg's and Portage's settings.
 * Everything it reads comes from the environment and the root it is given, so tests can point it at
 * their own.
 */
public final class ClientDoctor {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Which tool's settings count towards the exit code ({@code --for}). */
  public enum Tool {
    NONE,
    MAKEPKG,
    PORTAGE
  }

  private final Map<String, String> env;
  private final Path root;
  private final Tool tool;
  private final Integer statsPort;
  private final Path work;
  private final List<Finding> findings = new ArrayList<>();

  /**
   * @param root where /etc and the home directory are looked for ("/" on a real client)
   * @param statsPort the volunteers' stats port, or null for each one's port + 1000
   * @param work a scratch directory for the test compile
   */
  public ClientDoctor(Map<String, String> env, Path root, Tool tool, Integer statsPort, Path work) {
    this.env = env;
    this.root = root;
    this.tool = tool;
    this.statsPort = statsPort;
    this.work = work;
  }

  /** Runs every check; the findings in the order they were made. */
  public List<Finding> examine() throws IOException {
    List<HostSpec> hosts = hosts();
    Compiler client = clientCompiler();
    for (HostSpec h : hosts) {
      examineHost(h, client);
    }
    nativeFlags();
    makepkg();
    portage();
    return List.copyOf(findings);
  }

  /** Whether a finding stops distribution: the exit code is then 1. */
  public static boolean failed(List<Finding> findings) {
    return findings.stream().anyMatch(f -> f.level() == Level.PROBLEM);
  }

  private void add(Level level, String subject, String what, String fix) {
    findings.add(new Finding(level, subject, what, fix));
  }

  // ---- hosts

  private List<HostSpec> hosts() throws IOException {
    String line = env.get("DISTCC_HOSTS");
    String source = "DISTCC_HOSTS";
    if (line == null) {
      List<Path> files = new ArrayList<>();
      if (env.get("DISTCC_DIR") != null) {
        files.add(Path.of(env.get("DISTCC_DIR"), "hosts"));
      }
      if (env.get("HOME") != null) {
        files.add(Path.of(env.get("HOME"), ".distcc", "hosts"));
      }
      files.add(root.resolve("etc/distcc/hosts"));
      for (Path f : files) {
        if (Files.isRegularFile(f)) {
          line = Files.readString(f);
          source = f.toString();
          break;
        }
      }
    }
    if (line == null || line.isBlank()) {
      add(
          Level.PROBLEM,
          "hosts",
          "no host list: DISTCC_HOSTS is not set and no hosts file exists, so every job compiles"
              + " here",
          "export DISTCC_HOSTS='builder:3636/4,lzo' ('farm hosts' on the volunteer prints it)");
      return List.of();
    }
    List<HostSpec> specs;
    try {
      specs = HostSpec.parse(line);
    } catch (IllegalArgumentException e) {
      add(Level.PROBLEM, "hosts", "from " + source + ": " + e.getMessage(), "fix the entry");
      return List.of();
    }
    add(Level.OK, "hosts", "from " + source + ": " + line.trim().replaceAll("\\s+", " "), null);
    if (specs.stream()
        .noneMatch(h -> h.kind() != HostSpec.Kind.OPTION && h.kind() != HostSpec.Kind.LOCAL)) {
      add(
          Level.PROBLEM,
          "hosts",
          "the list names no volunteer, only this machine: nothing is distributed",
          "add a volunteer, e.g. builder:3636/4,lzo");
    }
    return specs;
  }

  private void examineHost(HostSpec h, Compiler client) throws IOException {
    switch (h.kind()) {
      case OPTION, LOCAL -> add(Level.NOTE, h.text(), h.describe(), null);
      case ZEROCONF -> zeroconf(client);
      case TCP, SSH -> {
        if (h.kind() == HostSpec.Kind.TCP && !answers(h)) {
          return;
        }
        boolean distributed = testCompile(h, client);
        if (distributed && h.kind() == HostSpec.Kind.TCP) {
          compareVersions(h, client);
        }
      }
    }
  }

  /**
   * Whether the host's port takes a connection. Asked before the test compile: with fallback off
   * the stock client retries a dead host until it runs out of file descriptors.
   */
  private boolean answers(HostSpec h) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(h.host(), h.port()), 3000);
      return true;
    } catch (IOException e) {
      add(
          Level.PROBLEM,
          h.text(),
          "nobody answers on "
              + h.host()
              + ":"
              + h.port()
              + " ("
              + e.getMessage()
              + "): the client backs it off and compiles its jobs locally",
          "start the volunteer ('farm up' on that machine) or remove "
              + h.text()
              + " from the list");
      return false;
    }
  }

  /** A real tiny compile through this host alone, with the stock client and no fallback. */
  private boolean testCompile(HostSpec h, Compiler client) throws IOException {
    Path dir = Files.createDirectories(work.resolve("test-" + Math.abs(h.text().hashCode())));
    Files.writeString(
        dir.resolve("doctor.c"), "int crossfarm_doctor(int x) { return x * 3 + 1; }\n");
    Map<String, String> distcc = new java.util.HashMap<>(env);
    distcc.put("DISTCC_HOSTS", h.text());
    distcc.put("DISTCC_FALLBACK", "0");
    distcc.put("DISTCC_SKIP_LOCAL_RETRY", "1");
    distcc.put("DISTCC_BACKOFF_PERIOD", "0");
    distcc.put("DISTCC_DIR", Files.createDirectories(dir.resolve("distcc")).toString());
    distcc.remove("DISTCC_VERBOSE");
    Run r = run(dir, distcc, 60, "distcc", client.command(), "-c", "doctor.c", "-o", "doctor.o");
    if (r.exit() == 0 && Files.isRegularFile(dir.resolve("doctor.o"))) {
      add(
          Level.OK,
          h.text(),
          h.describe() + "; a test compile ran there: jobs are distributed to it",
          null);
      return true;
    }
    String err = r.err();
    if (r.exit() == 127 || err.contains("No such file or directory") && err.contains("distcc")) {
      add(
          Level.PROBLEM,
          h.text(),
          "the stock distcc client is not installed",
          "apt-get install distcc (or pacman -S distcc)");
      return false;
    }
    boolean dead =
        err.contains("Connection refused")
            || err.contains("failed to connect")
            || err.contains("timed out")
            || err.contains("No route to host")
            || r.exit() == 124;
    String reason =
        err.lines()
            .filter(l -> !l.startsWith("distcc["))
            .filter(l -> !l.isBlank())
            .findFirst()
            .orElse(err.lines().reduce((a, b) -> b).orElse("exit " + r.exit()));
    if (dead) {
      add(
          Level.PROBLEM,
          h.text(),
          "nobody answers there ("
              + reason.trim()
              + "): the client backs it off and compiles its jobs locally",
          "start the volunteer ('farm up' on that machine) or remove "
              + h.text()
              + " from the list");
    } else {
      add(
          Level.PROBLEM,
          h.text(),
          "the test compile was refused or failed: " + reason.trim(),
          "read the volunteer's reason above; its log has one line per job");
    }
    return false;
  }

  /** The client's compiler against the volunteer's, from the volunteer's /status.json. */
  private void compareVersions(HostSpec h, Compiler client) {
    int port = statsPort != null ? statsPort : h.port() + 1000;
    JsonNode status;
    try {
      status = JSON.readTree(StatsPage.get(h.host(), port, "/status.json"));
    } catch (IOException e) {
      add(
          Level.NOTE,
          h.text(),
          "its stats port " + port + " does not answer, so its compiler version is unknown",
          "farm doctor --stats-port N, or run the volunteer with --stats");
      return;
    }
    String theirs = status.path("compilerVersion").asText("");
    if (theirs.isEmpty() || client.version() == null) {
      return;
    }
    if (major(theirs) == major(client.version())) {
      add(
          Level.OK,
          h.text(),
          "its gcc " + theirs + " has the major version of this client's " + client.describe(),
          null);
    } else {
      add(
          Level.PROBLEM,
          h.text(),
          "this client's "
              + client.describe()
              + " is gcc "
              + major(client.version())
              + ", the volunteer's is gcc "
              + theirs
              + ": it refuses such jobs (--version-drift refuse) or its objects differ from a"
              + " local build",
          "use a volunteer with gcc "
              + major(client.version())
              + " (farm.yaml image: {suite: ...}), or a gcc "
              + major(theirs)
              + " on this client");
    }
  }

  private void zeroconf(Compiler client) {
    Run r = run(work, env, 10, "avahi-browse", "-rtp", "_distcc._tcp");
    if (r.exit() != 0) {
      add(
          Level.NOTE,
          "+zeroconf",
          "cannot browse mDNS here (avahi-browse: " + firstLine(r.err()) + ")",
          "apt-get install avahi-utils, and run avahi-daemon");
      return;
    }
    long found = r.out().lines().filter(l -> l.startsWith("=")).count();
    boolean matching =
        client.machine() != null
            && r.out().lines().anyMatch(l -> l.startsWith("=") && l.contains(client.machine()));
    add(
        matching ? Level.OK : Level.PROBLEM,
        "+zeroconf",
        found
            + " volunteer record(s) over mDNS"
            + (matching ? ", one for " + client.machine() : ", none for " + client.machine()),
        matching ? null : "start a volunteer with --zeroconf for this client's target");
  }

  // ---- the client's compiler

  /**
   * The compiler the client compiles with, as the stock client finds it: {@code $CC}'s compiler or
   * {@code gcc}; the stock client itself runs {@code TRIPLE-gcc} instead when one is on PATH.
   */
  record Compiler(String command, String version, String machine, String via) {
    String describe() {
      return command + " (" + version + (via == null ? "" : ", " + via) + ")";
    }
  }

  private Compiler clientCompiler() {
    String cc = "gcc";
    String cce = env.get("CC");
    if (cce != null && !cce.isBlank()) {
      String[] words = cce.trim().split("\\s+");
      cc = words[0].endsWith("distcc") && words.length > 1 ? words[1] : words[0];
    }
    String version = firstLine(run(work, env, 20, cc, "-dumpfullversion").out());
    String machine = firstLine(run(work, env, 20, cc, "-dumpmachine").out());
    if (version.isEmpty()) {
      add(Level.PROBLEM, "compiler", cc + " does not run on this client", "install gcc, or set CC");
      return new Compiler(cc, null, null, null);
    }
    Compiler plain = new Compiler(cc, version, machine, null);
    add(Level.OK, "compiler", cc + " is gcc " + version + " for " + machine, null);
    // the stock client turns a plain gcc or g++ into TRIPLE-gcc when that is on PATH
    if (cc.matches("(gcc|g\\+\\+)(-\\d+)?")
        && !machine.isEmpty()
        && env.get("DISTCC_NO_REWRITE_CROSS") == null) {
      String rewritten = machine + "-" + cc;
      String theirs = firstLine(run(work, env, 20, rewritten, "-dumpfullversion").out());
      if (!theirs.isEmpty()) {
        if (major(theirs) != major(version)) {
          add(
              Level.PROBLEM,
              "compiler",
              "the stock client runs "
                  + rewritten
                  + " (gcc "
                  + theirs
                  + ") for '"
                  + cc
                  + "', not your "
                  + cc
                  + " (gcc "
                  + version
                  + "): distributed objects differ from local ones",
              "point " + rewritten + " at the same gcc, or set DISTCC_NO_REWRITE_CROSS=1");
        }
        return new Compiler(rewritten, theirs, machine, "what the stock client runs for " + cc);
      }
    }
    return plain;
  }

  // ---- flags, makepkg, Portage

  private void nativeFlags() throws IOException {
    boolean any = false;
    for (String var : List.of("CFLAGS", "CXXFLAGS", "CPPFLAGS")) {
      String value = env.get(var);
      Matcher m = value == null ? null : NativeFlags.NATIVE.matcher(value);
      while (m != null && m.find()) {
        any = true;
        add(
            Level.PROBLEM,
            var,
            m.group()
                + " means the CPU of whichever machine compiles: the stock client compiles such jobs"
                + " here, and a volunteer refuses them",
            "farm check-flags --fix on this client (explicit flags for its CPU)");
      }
    }
    for (Path conf :
        List.of(root.resolve("etc/makepkg.conf"), root.resolve("etc/portage/make.conf"))) {
      if (!Files.isRegularFile(conf)) {
        continue;
      }
      Tool owner = conf.toString().contains("portage") ? Tool.PORTAGE : Tool.MAKEPKG;
      for (NativeFlags.Finding f :
          NativeFlags.find(conf.toString(), ShellAssignments.parse(Files.readString(conf), env))) {
        any = true;
        add(
            tool == owner ? Level.PROBLEM : Level.NOTE,
            conf.toString(),
            f.describe() + ": jobs with it compile on this machine",
            "farm check-flags --fix " + conf);
      }
    }
    if (!any) {
      add(
          Level.OK,
          "flags",
          "no -march/-mtune/-mcpu=native in the environment or the build confs",
          null);
    }
  }

  private void makepkg() throws IOException {
    Path conf = root.resolve("etc/makepkg.conf");
    if (!Files.isRegularFile(conf)) {
      if (tool == Tool.MAKEPKG) {
        add(Level.PROBLEM, "makepkg", conf + " does not exist", "install pacman's makepkg");
      }
      return;
    }
    Level level = tool == Tool.MAKEPKG ? Level.PROBLEM : Level.NOTE;
    String text = Files.readString(conf);
    Matcher m = java.util.regex.Pattern.compile("(?m)^\\s*BUILDENV=\\(([^)]*)\\)").matcher(text);
    String buildenv = m.find() ? m.group(1) : "";
    if (!buildenv.matches(".*(^|\\s)distcc(\\s|$).*")) {
      add(
          level,
          "makepkg",
          conf
              + ": BUILDENV has "
              + (buildenv.contains("!distcc") ? "!distcc" : "no distcc")
              + ", so makepkg does not use distcc",
          "farm makepkg --conf " + conf + " (enables it and sets DISTCC_HOSTS and MAKEFLAGS)");
    } else {
      add(Level.OK, "makepkg", conf + ": distcc is in BUILDENV", null);
    }
    Path masquerade = root.resolve("usr/lib/distcc/bin");
    if (!Files.isDirectory(masquerade) && !Files.isDirectory(root.resolve("usr/lib/distcc"))) {
      add(
          level,
          "makepkg",
          "no masquerade directory (/usr/lib/distcc/bin): makepkg's PATH has nothing that sends"
              + " jobs to distcc",
          "install the distcc package");
    }
  }

  private void portage() throws IOException {
    Path conf = root.resolve("etc/portage/make.conf");
    if (!Files.isRegularFile(conf)) {
      if (tool == Tool.PORTAGE) {
        add(Level.PROBLEM, "portage", conf + " does not exist", "is this a Gentoo client?");
      }
      return;
    }
    Level level = tool == Tool.PORTAGE ? Level.PROBLEM : Level.NOTE;
    String features = "";
    for (ShellAssignments.Assignment a : ShellAssignments.parse(Files.readString(conf), env)) {
      if (a.name().equals("FEATURES")) {
        features = a.value();
      }
    }
    if (!features.matches(".*(^|\\s)distcc(\\s|$).*")) {
      add(level, "portage", conf + ": FEATURES has no distcc", "FEATURES=\"distcc\" in " + conf);
    } else {
      add(Level.OK, "portage", conf + ": FEATURES has distcc", null);
    }
    Run hosts = run(work, env, 10, "distcc-config", "--get-hosts");
    if (hosts.exit() == 0) {
      add(Level.OK, "portage", "distcc-config hosts: " + firstLine(hosts.out()), null);
    }
  }

  // ---- helpers

  static int major(String version) {
    try {
      return Integer.parseInt(version.split("\\.")[0].trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static String firstLine(String text) {
    return text.lines().findFirst().orElse("").trim();
  }

  record Run(int exit, String out, String err) {}

  /** Runs a command, bounded; a command that does not exist is exit 127. */
  private static Run run(Path dir, Map<String, String> env, int seconds, String... command) {
    try {
      Path out = Files.createTempFile("doctor", ".out");
      Path err = Files.createTempFile("doctor", ".err");
      ProcessBuilder pb =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      pb.environment().clear();
      pb.environment().putAll(env);
      Process p = pb.start();
      boolean done = p.waitFor(seconds, TimeUnit.SECONDS);
      if (!done) {
        p.destroyForcibly().waitFor();
      }
      Run r =
          new Run(
              done ? p.exitValue() : 124,
              Files.readString(out, StandardCharsets.UTF_8),
              Files.readString(err, StandardCharsets.UTF_8)
                  + (done ? "" : "\ntimed out after " + seconds + " s"));
      Files.delete(out);
      Files.delete(err);
      return r;
    } catch (IOException e) {
      return new Run(127, "", e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Run(130, "", "interrupted");
    }
  }
}
