package dev.crossfarm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crossfarm.harness.Peers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Without a Docker engine, farm up runs the volunteers as processes of this machine, says so,
 * serves the stock client, shows them in status, and farm down stops them.
 */
class FarmUpNativeIT {

  @TempDir Path work;

  @Test
  void withoutAnEngineUpRunsNativeVolunteersThatServeTheStockClient() throws Exception {
    Map<String, String> noEngine = new HashMap<>();
    noEngine.put("DOCKER_HOST", "unix://" + work.resolve("no-docker.sock"));
    noEngine.put("XDG_STATE_HOME", work.resolve("state").toString());
    Path config =
        Files.writeString(
            work.resolve("farm.yaml"),
            "targets: [aarch64]\nper-target:\n  aarch64: {port: 23636, listen: 127.0.0.1, jobs: 2}\n");
    try {
      Peers.Run up =
          Cli.farm(work, noEngine, "up", "--config", config.toString())
              .ok("farm up without docker");
      assertTrue(
          up.err().contains("no Docker engine answers: starting volunteers as processes"),
          up.err());
      assertTrue(up.err().contains("answers a real compile on 127.0.0.1:23636"), up.err());

      Files.writeString(work.resolve("n.c"), "long n(long x){return x<<3;}\n");
      Cli.run(
              work,
              Cli.distcc("127.0.0.1:23636/2,lzo", work.resolve("dcc"), false),
              120,
              List.of("distcc", "aarch64-unknown-linux-gnu-gcc", "-c", "n.c", "-o", "n.o"))
          .ok("compile through the native volunteer");
      assertTrue(Cli.run(work, "file", "n.o").out().contains("ARM aarch64"));

      Peers.Run status = Cli.farm(work, noEngine, "status").ok("farm status");
      assertTrue(
          status.out().matches("(?s).*aarch64\\s+healthy\\s+native\\s+23636.*"), status.out());
      Peers.Run again =
          Cli.farm(work, noEngine, "up", "--config", config.toString()).ok("second up");
      assertTrue(again.err().contains("aarch64: unchanged"), again.err());
    } finally {
      Peers.Run down = Cli.farm(work, noEngine, "down").ok("farm down");
      assertTrue(down.err().contains("stopped 1 native volunteer"), down.err());
    }
    assertEquals(
        "no volunteers (start them with 'farm up')",
        Cli.farm(work, noEngine, "status").out().trim());
  }
}
