package dev.crossfarm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crossfarm.cli.docker.Engine;
import dev.crossfarm.cli.docker.Labels;
import dev.crossfarm.harness.Peers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * farm image build --toolchain-archive with an x-tools tarball made on the spot: a digest that
 * differs from the pin, or no pin at all, is refused before anything is built; a pinned one is laid
 * into /opt/x-tools8 and its compiler is the image's (its version is the image's label).
 */
class ToolchainArchiveIT {

  @TempDir Path work;

  @Test
  void theTarballIsCheckedAgainstItsPinAndLaidIntoOpt() throws Exception {
    Path bin = Files.createDirectories(work.resolve("x-tools8/aarch64-unknown-linux-gnu/bin"));
    Path gcc = bin.resolve("aarch64-unknown-linux-gnu-gcc");
    // stands in for the official compiler: answers the version query the image build makes
    Files.writeString(
        gcc, "#!/bin/sh\n[ \"$1\" = -dumpfullversion ] && echo 12.9.9-xtools && exit 0\nexit 1\n");
    Files.setPosixFilePermissions(gcc, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path tarball = work.resolve("x-tools8.tar.xz");
    Cli.run(work, "tar", "-cJf", tarball.toString(), "x-tools8").ok("make the tarball");
    String sha =
        HexFormat.of()
            .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(tarball)));

    Peers.Run unpinned =
        Cli.farm(
            work, Map.of(), "image", "build", "aarch64", "--toolchain-archive", tarball.toString());
    assertNotEquals(0, unpinned.exit());
    assertTrue(unpinned.err().contains("no sha256 is pinned for aarch64"), unpinned.err());

    Path wrongPin =
        Files.writeString(
            work.resolve("wrong.yaml"),
            "image:\n  archive-sha256: {aarch64: " + "0".repeat(64) + "}\n");
    Peers.Run mismatch =
        Cli.farm(
            work,
            Map.of(),
            "image",
            "build",
            "aarch64",
            "--config",
            wrongPin.toString(),
            "--toolchain-archive",
            tarball.toString());
    assertNotEquals(0, mismatch.exit());
    assertTrue(
        mismatch.err().contains("sha256 mismatch") && mismatch.err().contains(sha), mismatch.err());
    assertTrue(!mismatch.err().contains("debootstrap"), "nothing was built: " + mismatch.err());

    try (Engine engine = DockerEngine.require()) {
      Path pin =
          Files.writeString(
              work.resolve("pin.yaml"), "image:\n  archive-sha256: {aarch64: " + sha + "}\n");
      String image =
          Cli.farm(
                  work,
                  Map.of(),
                  "image",
                  "build",
                  "aarch64",
                  "--config",
                  pin.toString(),
                  "--toolchain-archive",
                  tarball.toString())
              .ok("image build with the pinned tarball")
              .out()
              .trim();
      Map<String, String> labels =
          engine.client().inspectImageCmd(image).exec().getConfig().getLabels();
      assertEquals("12.9.9-xtools", labels.get(Labels.COMPILER_VERSION));
      String listing =
          engine.run(
              image, List.of("ls", "/opt/x-tools8/aarch64-unknown-linux-gnu/bin", "/usr/bin"));
      assertTrue(listing.contains("aarch64-unknown-linux-gnu-gcc"), listing);
      assertTrue(
          !listing.contains("aarch64-linux-gnu-gcc"), "no Debian cross compiler in this image");
      engine.client().removeImageCmd(image).withForce(true).exec();
      // the version tag must point back at a Debian-toolchain image for the other tests
      Cli.farm(work, Map.of(), "image", "build", "aarch64")
          .ok("restore the default aarch64 image tag");
    }
  }
}
