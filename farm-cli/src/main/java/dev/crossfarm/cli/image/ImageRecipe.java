package dev.crossfarm.cli.image;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.crossfarm.toolchain.Toolchain;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a volunteer image is, read from {@code images/recipe.yaml} and {@code images/jvm.options}
 * (bundled into the CLI from the repository's top-level {@code images/} folder). Its {@link
 * #digest} covers both files byte for byte, so a changed recipe gives new image tags.
 *
 * @param packages Debian packages of the base, per suite ({@code default} for unlisted suites)
 * @param lean paths (relative to the root) left out of every layer
 * @param init PID 1 of the container, before the daemon's command
 */
public record ImageRecipe(
    User user,
    @JsonProperty("app-dir") String appDir,
    Runtime runtime,
    Map<String, List<String>> packages,
    List<Directory> directories,
    List<String> lean,
    List<String> init,
    @JsonProperty("jobs-tmpfs") Tmpfs jobsTmpfs,
    Health health,
    List<String> jvmOptions,
    String digest) {

  /** The unprivileged user the daemon runs as (uid = gid). */
  public record User(String name, int id) {}

  /**
   * The daemon's Java runtime, made by jlink.
   *
   * @param dir where it lives in the image
   */
  public record Runtime(
      String dir, List<String> modules, @JsonProperty("jlink-options") List<String> jlinkOptions) {}

  /** A directory the image creates, with its owner (uid = gid) and octal mode. */
  public record Directory(String path, int owner, String mode) {}

  /** The container's job directories: a tmpfs of {@code size} (docker's units: 2g). */
  public record Tmpfs(String path, String size, String mode) {

    /** The size in bytes, for APIs that take a number. */
    public long sizeBytes() {
      String s = size.toLowerCase(Locale.ROOT);
      long unit =
          switch (s.charAt(s.length() - 1)) {
            case 'k' -> 1L << 10;
            case 'm' -> 1L << 20;
            case 'g' -> 1L << 30;
            default -> 1;
          };
      return Long.parseLong(unit == 1 ? s : s.substring(0, s.length() - 1)) * unit;
    }

    /** The mode as a number (1777 octal). */
    public int modeBits() {
      return Integer.parseInt(mode, 8);
    }
  }

  /** The engine's health check timings. */
  public record Health(
      @JsonProperty("interval-seconds") int intervalSeconds,
      @JsonProperty("timeout-seconds") int timeoutSeconds,
      @JsonProperty("start-period-seconds") int startPeriodSeconds,
      int retries) {}

  private static final ImageRecipe BUNDLED = load();

  /** The recipe this CLI was packaged with. */
  public static ImageRecipe bundled() {
    return BUNDLED;
  }

  private static ImageRecipe load() {
    byte[] recipe = resource("recipe.yaml");
    byte[] jvm = resource("jvm.options");
    try {
      ImageRecipe r =
          new ObjectMapper(new YAMLFactory())
              .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
              .readValue(recipe, ImageRecipe.class);
      List<String> options =
          new String(jvm, StandardCharsets.UTF_8)
              .lines()
              .map(String::strip)
              .filter(l -> !l.isEmpty() && !l.startsWith("#"))
              .toList();
      String digest =
          sha256(
                  new String(recipe, StandardCharsets.UTF_8)
                      + "\n--\n"
                      + new String(jvm, StandardCharsets.UTF_8))
              .substring(0, 12);
      return new ImageRecipe(
          r.user,
          r.appDir,
          r.runtime,
          r.packages,
          r.directories,
          r.lean,
          r.init,
          r.jobsTmpfs,
          r.health,
          options,
          digest);
    } catch (IOException e) {
      throw new UncheckedIOException("the bundled images/recipe.yaml does not parse", e);
    }
  }

  private static byte[] resource(String name) {
    try (InputStream in = ImageRecipe.class.getResourceAsStream("/images/" + name)) {
      if (in == null) {
        throw new IllegalStateException(
            "images/" + name + " is not bundled with this farm command");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The base's Debian packages for {@code suite}. */
  public List<String> packagesFor(String suite) {
    return packages.getOrDefault(suite, packages.get("default"));
  }

  /** The java executable inside the image. */
  public String java() {
    return runtime.dir() + "/bin/java";
  }

  /** {@code farm VERB ...} as the image runs it: its own runtime, the JVM options, the jar. */
  public List<String> farmInImage(String... verbAndArguments) {
    return farmInImage(List.of(), verbAndArguments);
  }

  private List<String> farmInImage(List<String> extraJvmOptions, String... verbAndArguments) {
    List<String> command = new ArrayList<>(List.of(java()));
    command.addAll(jvmOptions);
    command.addAll(extraJvmOptions);
    command.addAll(List.of("-jar", appDir + "/farm.jar"));
    command.addAll(List.of(verbAndArguments));
    return List.copyOf(command);
  }

  /** The container's command: the init, then the target's daemon. */
  public List<String> entrypoint(String target) {
    List<String> command = new ArrayList<>(init);
    command.addAll(farmInImage("daemon", "--toolchain", target));
    return List.copyOf(command);
  }

  /**
   * The volunteer for one client on stdin/stdout inside the image ({@code docker exec -i}, for
   * SSH). The JVM's own messages go to stderr, because stdout is the distcc protocol.
   */
  public List<String> inetdInImage(String target) {
    return farmInImage(
        List.of("-Xlog:disable", "-Xlog:all=warning:stderr"),
        "daemon",
        "--toolchain",
        target,
        "--job-dir",
        jobsTmpfs.path());
  }

  /** The health check inside the image: a real compile through the volunteer on its own port. */
  public List<String> healthInImage(Toolchain toolchain, boolean auth) {
    List<String> command =
        new ArrayList<>(
            farmInImage(
                "health",
                "--toolchain",
                toolchain.name(),
                "--port",
                Integer.toString(toolchain.port())));
    if (auth) {
      command.add("--auth");
    }
    return List.copyOf(command);
  }

  public static String volunteerRepository(String target) {
    return "crossfarm/volunteer-" + target;
  }

  static String sha256(String text) {
    return sha256(text.getBytes(StandardCharsets.UTF_8));
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
