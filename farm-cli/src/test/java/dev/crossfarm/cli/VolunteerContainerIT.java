package dev.crossfarm.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crossfarm.cli.docker.Engine;
import dev.crossfarm.harness.Peers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * The armv7h volunteer image under Testcontainers, from the local engine only (no pull): the image
 * is built by 'farm image build' if missing, the container runs read-only with a tmpfs as farm up
 * runs it, and the stock client gets 32-bit ARM objects, while an aarch64 compiler name is refused.
 */
class VolunteerContainerIT {

  @TempDir Path work;

  @Test
  void aTestcontainersVolunteerServesTheStockClientForItsTargetOnly() throws Exception {
    try (Engine engine = DockerEngine.require()) {
      String image = "crossfarm/volunteer-armv7h:" + FarmUpDockerIT.version();
      if (!engine.imageExists(image)) {
        Cli.farm(work, Map.of(), "image", "build", "armv7h").ok("farm image build armv7h");
      }
    }
    try (GenericContainer<?> volunteer =
        new GenericContainer<>(
                DockerImageName.parse("crossfarm/volunteer-armv7h:" + FarmUpDockerIT.version()))
            .withImagePullPolicy(name -> false)
            .withCommand("--allow-private", "--jobs", "2")
            .withExposedPorts(3635)
            .withCreateContainerCmdModifier(
                c ->
                    c.getHostConfig()
                        .withReadonlyRootfs(true)
                        .withTmpFs(Map.of("/tmp", "rw,size=256m,mode=1777")))
            .waitingFor(Wait.forLogMessage(".*listening on.*", 1))) {
      volunteer.start();
      String hosts = volunteer.getHost() + ":" + volunteer.getMappedPort(3635) + "/2,lzo";
      Files.writeString(work.resolve("v.c"), "int v(int x){return x*5;}\n");
      Map<String, String> env = Cli.distcc(hosts, work.resolve("dcc"), false);
      Cli.run(
              work,
              env,
              120,
              List.of("distcc", "arm-linux-gnueabihf-gcc", "-O2", "-c", "v.c", "-o", "v.o"))
          .ok("compile through the Testcontainers volunteer");
      assertTrue(Cli.run(work, "file", "v.o").out().contains("32-bit LSB relocatable, ARM"));

      Peers.Run wrong =
          Cli.run(
              work, env, 120, List.of("distcc", "aarch64-linux-gnu-gcc", "-c", "v.c", "-o", "w.o"));
      assertFalse(wrong.exit() == 0 && Files.exists(work.resolve("w.o")));
      assertTrue(wrong.err().contains("builds for aarch64"), wrong.err());
      assertTrue(volunteer.getLogs().contains("COMPILE_OK"));
    }
  }
}
