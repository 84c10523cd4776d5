package dev.crossfarm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crossfarm.cli.docker.Engine;
import dev.crossfarm.harness.Peers;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A two-node swarm on this machine: two Docker engines in two network namespaces joined by veth,
 * the second a worker that starts with no images and no registry it could reach but the farm's. The
 * aarch64 volunteer runs only on the labelled node, moves with its label, a client on the manager's
 * side builds through the worker's address, farm hosts lists both nodes when both are labelled, and
 * farm down --swarm leaves nothing running.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SwarmTwoNodeIT {

  private static final String A = "10.250.9.1";
  private static final String B = "10.250.9.2";

  private final String tag = Long.toString(ProcessHandle.current().pid() % 100000);
  // short: the engines' socket paths live under it (107 bytes at most)
  private final Path dir = Path.of("/tmp", "cfsw" + tag);
  private Engine engine;
  private Path script;
  private String socketA;
  private String socketB;

  @BeforeAll
  void twoNodes() throws Exception {
    engine = DockerEngine.require();
    Files.createDirectories(dir);
    script = dir.resolve("swarm-nodes.sh");
    try (InputStream s = getClass().getResourceAsStream("swarm-nodes.sh")) {
      Files.copy(s, script, StandardCopyOption.REPLACE_EXISTING);
    }
    String[] sockets =
        Cli.run(dir, Map.of(), 120, List.of("bash", script.toString(), "up", dir.toString(), tag))
            .ok("two engines in two namespaces, one swarm (root is needed)")
            .out()
            .trim()
            .split(" ");
    socketA = sockets[0];
    socketB = sockets[1];
    // the manager has the image (as after 'farm image build' there): from this machine's engine
    Peers.Run image =
        Cli.farm(dir, Map.of(), "image", "build", "aarch64").ok("farm image build aarch64");
    assertTrue(image.exit() == 0);
    Cli.run(
            dir,
            Map.of(),
            600,
            List.of(
                "sh",
                "-c",
                "docker save crossfarm/volunteer-aarch64 | docker -H unix://" + socketA + " load"))
        .ok("the image onto the manager");
  }

  @AfterAll
  void down() {
    if (engine == null) {
      return;
    }
    onA("down", "--swarm");
    Cli.run(dir, Map.of(), 120, List.of("bash", script.toString(), "down", dir.toString(), tag));
    Cli.run(Path.of("/"), Map.of(), 60, List.of("rm", "-rf", dir.toString()));
    engine.close();
  }

  /** farm on the manager's side: its namespace, its engine. */
  private Peers.Run onA(String... args) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "nsenter",
                "--net=/run/netns/cfsa" + tag,
                "env",
                "DOCKER_HOST=unix://" + socketA,
                Cli.FARM.toString()));
    cmd.addAll(List.of(args));
    return Cli.run(dir, Map.of(), 900, cmd);
  }

  private Peers.Run docker(String socket, String... args) {
    List<String> cmd = new ArrayList<>(List.of("docker", "-H", "unix://" + socket));
    cmd.addAll(List.of(args));
    return Cli.run(dir, Map.of(), 60, cmd);
  }

  private boolean answers(String address) {
    return Cli.run(
                dir,
                Map.of(),
                10,
                List.of(
                    "nsenter",
                    "--net=/run/netns/cfsa" + tag,
                    "bash",
                    "-c",
                    "exec 3<>/dev/tcp/" + address + "/3636"))
            .exit()
        == 0;
  }

  private List<String> runningOn() {
    return docker(
            socketA,
            "service",
            "ps",
            "crossfarm-aarch64",
            "--filter",
            "desired-state=running",
            "--format",
            "{{.Node}}")
        .ok("service ps")
        .out()
        .lines()
        .toList();
  }

  @Test
  @Order(1)
  void theVolunteerRunsOnlyOnTheLabelledWorkerWhichGetsTheImageFromTheManager() throws Exception {
    assertEquals(
        "", docker(socketB, "images", "-q").ok("images on B").out().trim(), "B starts empty");
    onA("node", "label", "swarm-b" + tag, "--targets", "aarch64").ok("farm node label B");
    long start = System.nanoTime();
    Peers.Run up = onA("up", "--swarm", "aarch64").ok("farm up --swarm aarch64");
    long seconds = (System.nanoTime() - start) / 1_000_000_000L;
    Files.writeString(
        Path.of("target", "swarm-report.txt"),
        "farm up --swarm aarch64 on a two-node swarm, image shipped through the manager's registry"
            + " and pulled by the worker: "
            + seconds
            + " s\n"
            + up.err());
    assertTrue(
        up.err()
            .contains("aarch64 on swarm-b" + tag + ": answers a real compile on " + B + ":3636"),
        up.err());
    assertEquals(List.of("swarm-b" + tag), runningOn());
    assertTrue(answers(B));
    assertFalse(answers(A), "the manager is not labelled: nothing on its port");
  }

  @Test
  @Order(2)
  void aClientOnTheManagersSideBuildsThroughTheWorker() throws Exception {
    Path src = dir.resolve("t");
    Files.createDirectories(src);
    List<String> files = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      Files.writeString(
          src.resolve("s" + i + ".c"), "int s" + i + "(int x){return x*" + i + "+7;}\n");
      files.add("s" + i + ".c");
    }
    List<String> cmd = new ArrayList<>(List.of("nsenter", "--net=/run/netns/cfsa" + tag, "env"));
    Cli.distcc(B + ":3636/2,lzo", dir.resolve("dcc"), false)
        .forEach((k, v) -> cmd.add(k + "=" + v));
    for (String f : files) {
      List<String> one = new ArrayList<>(cmd);
      one.addAll(List.of("distcc", "aarch64-linux-gnu-gcc", "-O2", "-c", f, "-o", f + ".remote.o"));
      Cli.run(src, Map.of(), 60, one).ok("job " + f);
      Cli.run(src, "aarch64-linux-gnu-gcc", "-O2", "-c", f, "-o", f + ".local.o").ok("local");
      assertEquals(
          -1, Files.mismatch(src.resolve(f + ".local.o"), src.resolve(f + ".remote.o")), f);
    }
    String file = Cli.run(src, "file", "s0.c.remote.o").ok("file").out();
    assertTrue(file.contains("ARM aarch64"), file);
  }

  @Test
  @Order(3)
  void hostsListsBothNodesWhenBothServeAndTheLabelMovesTheVolunteer() throws Exception {
    onA("node", "label", "swarm-a" + tag, "--targets", "aarch64").ok("label A too");
    for (int i = 0; i < 100 && !(answers(A) && runningOn().size() == 2); i++) {
      Thread.sleep(300);
    }
    String hosts = onA("hosts").ok("farm hosts").out();
    assertTrue(hosts.contains(A + ":3636/") && hosts.contains(B + ":3636/"), hosts);
    onA("node", "label", "swarm-b" + tag, "--targets", "").ok("unlabel B");
    for (int i = 0; i < 100 && answers(B); i++) {
      Thread.sleep(300);
    }
    assertFalse(answers(B), "the volunteer left the node that lost its label");
    assertEquals(List.of("swarm-a" + tag), runningOn());
  }

  @Test
  @Order(4)
  void downLeavesNoServiceAndNoVolunteerContainer() throws Exception {
    onA("down", "--swarm").ok("farm down --swarm");
    assertEquals("", docker(socketA, "service", "ls", "-q").ok("service ls").out().trim());
    for (int i = 0; i < 100 && !docker(socketA, "ps", "-q").out().isBlank(); i++) {
      Thread.sleep(200);
    }
    assertEquals("", docker(socketA, "ps", "-q").out().trim());
    assertEquals("", docker(socketB, "ps", "-q").out().trim());
  }
}
