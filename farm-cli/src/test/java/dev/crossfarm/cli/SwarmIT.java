package dev.crossfarm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crossfarm.cli.docker.Engine;
import dev.crossfarm.cli.farm.NativeFarm;
import dev.crossfarm.harness.Peers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A single-node swarm on this machine's engine ({@code docker swarm init --advertise-addr
 * 127.0.0.1}): {@code farm node label} and {@code farm up --swarm aarch64} converge, the stock
 * client builds lua through 127.0.0.1:3636 with local fallback off and aarch64 objects identical to
 * a local cross compile, {@code farm hosts} and {@code status} show the node, the service runs its
 * image pinned by digest from a registry nobody else can write (an image pushed under the tag by
 * hand is never run; a digest that cannot be pulled shows in {@code farm status}), and {@code farm
 * down --swarm} leaves no service, label or registry behind (and the swarm as it was).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SwarmIT {

  private Engine engine;
  private Path work;
  private boolean initialized;
  private String node;

  @BeforeAll
  void swarm(@TempDir Path work) throws Exception {
    this.work = work;
    engine = DockerEngine.require();
    Cli.farm(work, Map.of(), "down").ok("farm down before the test");
    String state =
        Cli.run(work, "docker", "info", "--format", "{{.Swarm.LocalNodeState}}")
            .ok("docker info")
            .out()
            .trim();
    if (state.equals("inactive")) {
      Cli.run(work, "docker", "swarm", "init", "--advertise-addr", "127.0.0.1").ok("swarm init");
      initialized = true;
    }
    node = Cli.run(work, "docker", "info", "--format", "{{.Name}}").ok("docker info").out().trim();
  }

  @AfterAll
  void leave() {
    if (engine == null) {
      return;
    }
    Cli.farm(work, Map.of(), "down", "--swarm");
    if (initialized) {
      Cli.run(work, "docker", "swarm", "leave", "--force");
    }
    engine.close();
  }

  @Test
  @Order(1)
  void upConvergesOnTheLabelledNodeAndTheStockClientBuildsLuaThroughIt() throws Exception {
    Cli.farm(work, Map.of(), "node", "label", node, "--targets", "aarch64").ok("farm node label");
    Peers.Run up =
        Cli.farm(work, Map.of(), "up", "--swarm", "aarch64").ok("farm up --swarm aarch64");
    assertTrue(
        up.err().contains("aarch64 on " + node + ": answers a real compile on 127.0.0.1:3636"),
        up.err());
    assertTrue(up.err().contains("shipped "), up.err());
    LuaBuild lua =
        LuaBuild.reference(
            work,
            "aarch64-linux-gnu-gcc -std=gnu99",
            "AR=aarch64-linux-gnu-ar rcu",
            "RANLIB=aarch64-linux-gnu-ranlib");
    lua.throughDistcc(Cli.distcc("127.0.0.1:3636/4,lzo", work.resolve("dcc"), false), "4")
        .ok("lua through the swarm");
    assertEquals(List.of(), lua.differing());
  }

  @Test
  @Order(2)
  void hostsAndStatusShowTheNode() {
    String hosts = Cli.farm(work, Map.of(), "hosts").ok("farm hosts").out();
    assertTrue(hosts.contains("127.0.0.1:3636/"), hosts);
    String status = Cli.farm(work, Map.of(), "status").ok("farm status").out();
    assertTrue(
        status.contains("swarm:" + node + "@127.0.0.1") && status.contains("healthy"), status);
    String nodes = Cli.farm(work, Map.of(), "node", "ls").ok("farm node ls").out();
    assertTrue(nodes.lines().anyMatch(l -> l.startsWith(node) && l.endsWith("aarch64")), nodes);
  }

  @Test
  @Order(3)
  void theServiceRunsTheImageFarmPushedPinnedByDigestFromTheReadOnlyRegistry() {
    String image = serviceImage();
    assertTrue(
        image.matches("127\\.0\\.0\\.1:5000/crossfarm/volunteer-aarch64:[^@]+@sha256:[0-9a-f]{64}"),
        image);
    String manifests = "http://127.0.0.1:5000/v2/crossfarm/volunteer-aarch64/";
    // the nodes' registry serves the pinned manifest, and refuses anonymous writes and deletes
    assertEquals("200", http("GET", manifests + "manifests/" + digest(image)));
    assertEquals("405", http("POST", manifests + "blobs/uploads/"));
    assertEquals("405", http("DELETE", manifests + "manifests/" + digest(image)));
    // farm's own writer listens on loopback only, and the store is farm's user's alone
    String listening = Cli.run(work, "ss", "-Hltn", "sport = :5001").ok("ss").out().trim();
    assertTrue(
        !listening.isEmpty()
            && listening.lines().allMatch(l -> l.split("\\s+")[3].equals("127.0.0.1:5001")),
        listening);
    String mode =
        Cli.run(
                work,
                "stat",
                "-c",
                "%a",
                NativeFarm.defaultStateDir().resolve("registry").toString())
            .ok("stat")
            .out()
            .trim();
    assertEquals("700", mode);
  }

  @Test
  @Order(4)
  void anImagePushedByHandUnderThePinnedTagIsNeverRun() throws Exception {
    String image = serviceImage();
    String tag =
        image.substring(0, image.indexOf('@')).replace("127.0.0.1:5000/", "127.0.0.1:5001/");
    String pinnedId = runningImageId();
    // someone moves the tag to another image (here through farm's own writer, the only way in)
    String impostor =
        Cli.run(work, "docker", "images", "-q", "crossfarm/base")
            .ok("images")
            .out()
            .lines()
            .findFirst()
            .orElseThrow();
    Cli.run(work, "docker", "tag", impostor, tag).ok("tag the impostor");
    Cli.run(work, "docker", "push", tag).ok("push the impostor under the tag");
    Cli.run(work, "docker", "rmi", tag).ok("untag");
    // the task restarts (a crash does the same): the node pulls by digest, not by tag
    String container = runningContainer();
    Cli.run(work, "docker", "kill", container).ok("kill the volunteer");
    String restarted = null;
    for (int i = 0; i < 120 && (restarted == null || restarted.equals(container)); i++) {
      Thread.sleep(500);
      restarted = runningContainerOrNull();
    }
    assertTrue(restarted != null && !restarted.equals(container), "the task was restarted");
    assertEquals(pinnedId, runningImageId(), "the restarted task runs the pinned image");
  }

  @Test
  @Order(5)
  void aNodeThatCannotPullThePinnedImageShowsWhyInStatus() throws Exception {
    String image = serviceImage();
    String missing = image.substring(0, image.indexOf('@')) + "@sha256:" + "0".repeat(64);
    Cli.run(work, "docker", "service", "update", "--detach", "--image", missing, service())
        .ok("point the service at a digest the registry does not have");
    String status = "";
    for (int i = 0; i < 120 && !status.contains("sha256:0000"); i++) {
      Thread.sleep(500);
      status = Cli.farm(work, Map.of(), "status").out();
    }
    assertTrue(status.contains("sha256:0000") && !status.contains("healthy"), status);
    Cli.run(work, "docker", "service", "rollback", "--detach", service()).ok("rollback");
    for (int i = 0; i < 120 && !status.contains("healthy"); i++) {
      Thread.sleep(500);
      status = Cli.farm(work, Map.of(), "status").out();
    }
    assertTrue(status.contains("healthy"), status);
  }

  private String service() {
    return Cli.run(
            work,
            "docker",
            "service",
            "ls",
            "--filter",
            "name=crossfarm-aarch64",
            "--format",
            "{{.Name}}")
        .ok("service ls")
        .out()
        .trim();
  }

  private String serviceImage() {
    return Cli.run(
            work,
            "docker",
            "service",
            "inspect",
            service(),
            "--format",
            "{{.Spec.TaskTemplate.ContainerSpec.Image}}")
        .ok("service inspect")
        .out()
        .trim();
  }

  private static String digest(String image) {
    return image.substring(image.indexOf('@') + 1);
  }

  private String runningContainerOrNull() {
    String id =
        Cli.run(
                work,
                "docker",
                "ps",
                "-q",
                "--filter",
                "label=com.docker.swarm.service.name=" + service(),
                "--filter",
                "status=running")
            .ok("docker ps")
            .out()
            .trim();
    return id.isEmpty() ? null : id;
  }

  private String runningContainer() {
    String id = runningContainerOrNull();
    assertTrue(id != null, "a running task");
    return id;
  }

  private String runningImageId() {
    return Cli.run(work, "docker", "inspect", runningContainer(), "--format", "{{.Image}}")
        .ok("inspect")
        .out()
        .trim();
  }

  /** The HTTP status of an anonymous request, as anyone on the network could send it. */
  private String http(String method, String url) {
    return Cli.run(
            work,
            "curl",
            "-s",
            "-m",
            "10",
            "-o",
            "/dev/null",
            "-w",
            "%{http_code}",
            "-X",
            method,
            url)
        .out()
        .trim();
  }

  @Test
  @Order(6)
  void withAFrontClientsNameOneAddressAndStillGetIdenticalObjects() throws Exception {
    Peers.Run up =
        Cli.farm(work, Map.of(), "up", "--swarm", "--front", "aarch64")
            .ok("farm up --swarm --front aarch64");
    assertTrue(
        up.err().contains("aarch64's front: answers a real compile on 127.0.0.1:13636"), up.err());
    String hosts = Cli.farm(work, Map.of(), "hosts").ok("farm hosts").out();
    assertTrue(hosts.contains("127.0.0.1:13636/"), hosts);
    assertTrue(!hosts.contains("127.0.0.1:3636/"), "with a front, hosts names it alone: " + hosts);
    LuaBuild lua =
        LuaBuild.reference(
            Files.createDirectories(work.resolve("front")),
            "aarch64-linux-gnu-gcc -std=gnu99",
            "AR=aarch64-linux-gnu-ar rcu",
            "RANLIB=aarch64-linux-gnu-ranlib");
    lua.throughDistcc(Cli.distcc("127.0.0.1:13636/8,lzo", work.resolve("dcc-front"), false), "4")
        .ok("lua through the swarm's front");
    assertEquals(List.of(), lua.differing());
    String status = Cli.farm(work, Map.of(), "status").ok("farm status").out();
    assertTrue(status.contains("front:"), status);
    // the front found the node's volunteer by name, and sent it the jobs
    String metrics =
        Cli.run(work, "curl", "-s", "http://127.0.0.1:14636/metrics").ok("front metrics").out();
    assertTrue(
        metrics.lines().anyMatch(l -> l.startsWith("crossfarm_front_volunteers_alive 1")), metrics);
  }

  @Test
  @Order(7)
  void aTargetIsRefusedOnANodeThatCannotRunIt() {
    // this node is x86_64, which hosts every target: the refusal is for an unknown target name
    Peers.Run bad = Cli.farm(work, Map.of(), "node", "label", node, "--targets", "sparc");
    assertTrue(bad.exit() != 0 && bad.err().contains("sparc"), bad.err());
  }

  @Test
  @Order(8)
  void downLeavesNoServiceLabelOrRegistryAndTheSwarmAsItWas() {
    Cli.farm(work, Map.of(), "down", "--swarm").ok("farm down --swarm");
    assertEquals("", Cli.run(work, "docker", "service", "ls", "-q").ok("service ls").out().trim());
    String labels =
        Cli.run(work, "docker", "node", "inspect", node, "--format", "{{json .Spec.Labels}}")
            .ok("node inspect")
            .out();
    assertTrue(!labels.contains("dev.crossfarm"), labels);
    assertEquals(
        "active",
        Cli.run(work, "docker", "info", "--format", "{{.Swarm.LocalNodeState}}")
            .ok("info")
            .out()
            .trim());
    for (int port : List.of(5000, 5001)) {
      assertTrue(
          Cli.run(work, "bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/" + port).exit() != 0,
          "the private registry is stopped on " + port);
    }
  }
}
