package dev.crossfarm.daemon.job;

import dev.crossfarm.toolchain.Installation;
import dev.crossfarm.toolchain.Toolchain;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * A target's toolchain as found on this machine: where it is installed and which compiler version
 * it has. Found once at start-up, so a volunteer without its compiler refuses to start instead of
 * failing every job.
 */
public record InstalledToolchain(Toolchain toolchain, Installation installation, String version) {

  /**
   * Finds the toolchain and asks its gcc for its version.
   *
   * @throws ToolchainMissingException naming where it was looked for and what installs it
   */
  public static InstalledToolchain detect(Toolchain toolchain) throws ToolchainMissingException {
    Installation found =
        toolchain
            .findInstalled()
            .orElseThrow(
                () ->
                    new ToolchainMissingException(
                        "no "
                            + toolchain.name()
                            + " compiler on this machine: looked for "
                            + String.join(
                                ", ",
                                toolchain.installations().stream()
                                    .map(i -> i.executable("gcc").toString())
                                    .toList())
                            + ". Install it with: apt-get install "
                            + String.join(" ", toolchain.debianPackages())));
    return new InstalledToolchain(toolchain, found, askVersion(found));
  }

  private static String askVersion(Installation installation) throws ToolchainMissingException {
    String gcc = installation.executable("gcc").toString();
    try {
      Process p =
          new ProcessBuilder(gcc, "-dumpfullversion")
              .redirectErrorStream(true)
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0 || out.isEmpty()) {
        p.destroyForcibly();
        throw new ToolchainMissingException(gcc + " -dumpfullversion failed: " + out);
      }
      return out;
    } catch (IOException e) {
      throw new ToolchainMissingException("cannot run " + gcc + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ToolchainMissingException("interrupted while asking " + gcc + " its version");
    }
  }

  /** Short form for logs and status: {@code aarch64 (gcc 12.2.0, /usr/bin/aarch64-linux-gnu-)}. */
  public String describe() {
    return toolchain.name() + " (gcc " + version + ", " + installation.prefix() + ")";
  }

  /** The installed toolchain cannot serve: missing, or its compiler does not run. */
  public static class ToolchainMissingException extends Exception {
    public ToolchainMissingException(String message) {
      super(message);
    }
  }
}
