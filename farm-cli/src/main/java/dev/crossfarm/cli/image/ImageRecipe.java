package dev.crossfarm.cli.image;

import dev.crossfarm.toolchain.Installation;
import dev.crossfarm.toolchain.Toolchain;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * What a volunteer image's base is made of: a Debian minbase rootfs of {@code suite} with the
 * target's toolchain packages (from the catalog), a headless JRE and tini, and an unprivileged
 * user. Its digest names the base image, so an unchanged recipe is never built twice.
 */
public record ImageRecipe(
    Toolchain toolchain, String suite, List<String> packages, ToolchainArchive archive) {

  /** An official toolchain tarball to lay into /opt instead of Debian's packages. */
  public record ToolchainArchive(Path file, String sha256, Installation installation) {}

  /** The user the daemon runs as inside the image (uid and gid). */
  public static final int USER_ID = 3632;

  public static final String USER_NAME = "crossfarm";

  /** What every volunteer needs besides its toolchain. */
  public static final List<String> COMMON_PACKAGES = List.of("openjdk-17-jre-headless", "tini");

  /** Where the daemon's jars go inside the image. */
  public static final String APP_DIR = "/opt/crossfarm";

  /**
   * How the farm's JVM runs everywhere (the ./farm launcher, images, native volunteers): the serial
   * collector and a fixed 8 MB young generation keep the daemon's resident set small under load
   * (measured: 130 MB peak for 8 clients x 500 jobs, 257 MB with the JVM's defaults on a 24 GB
   * machine), while a 512 MB cap leaves room for a large LZO source. The launcher script repeats
   * this list; a test keeps the two equal.
   */
  public static final List<String> JVM_OPTIONS =
      List.of(
          "-XX:+UseSerialGC",
          "-XX:TieredStopAtLevel=1",
          "-Xshare:auto",
          "-Xms16m",
          "-Xmn8m",
          "-Xmx512m",
          "-XX:MinHeapFreeRatio=10",
          "-XX:MaxHeapFreeRatio=30",
          "-Xss512k");

  /** {@code farm VERB ...} as the image runs it: its own JRE, {@link #JVM_OPTIONS}, the jar. */
  public static List<String> farmInImage(String... verbAndArguments) {
    List<String> command = new ArrayList<>(List.of("java"));
    command.addAll(JVM_OPTIONS);
    command.addAll(List.of("-jar", APP_DIR + "/farm.jar"));
    command.addAll(List.of(verbAndArguments));
    return List.copyOf(command);
  }

  /** The volunteer's daemon command inside the image. */
  public static List<String> daemonInImage(String target) {
    return farmInImage("daemon", "--toolchain", target);
  }

  /**
   * The volunteer for one client on stdin/stdout inside the image ({@code docker exec -i}, for
   * SSH). The JVM's own messages go to stderr, because stdout is the distcc protocol.
   */
  public static List<String> inetdInImage(String target) {
    List<String> command = new ArrayList<>(List.of("java"));
    command.addAll(JVM_OPTIONS);
    command.addAll(List.of("-Xlog:disable", "-Xlog:all=warning:stderr"));
    command.addAll(List.of("-jar", APP_DIR + "/farm.jar"));
    command.addAll(List.of("daemon", "--toolchain", target, "--job-dir", "/tmp"));
    return List.copyOf(command);
  }

  /** The health check inside the image: a real compile through the volunteer on its own port. */
  public static List<String> healthInImage(Toolchain toolchain, boolean auth) {
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

  public static ImageRecipe of(Toolchain toolchain, String suite, ToolchainArchive archive) {
    List<String> packages =
        new ArrayList<>(archive == null ? toolchain.debianPackages() : List.of());
    packages.addAll(COMMON_PACKAGES);
    return new ImageRecipe(toolchain, suite, List.copyOf(packages), archive);
  }

  /** Where the image's compiler lives: the tarball's installation, or Debian's. */
  public Installation compilerInstallation() {
    return archive != null ? archive.installation() : toolchain.installations().get(0);
  }

  /** Short hex digest of everything that shapes the base rootfs. */
  public String digest() {
    return sha256(
            "suite="
                + suite
                + "\npackages="
                + String.join(",", packages)
                + "\nuser="
                + USER_NAME
                + ":"
                + USER_ID
                + "\nrecipe=1\n")
        .substring(0, 12);
  }

  public String baseImage() {
    return "crossfarm/base-" + toolchain.name() + ":" + digest();
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
