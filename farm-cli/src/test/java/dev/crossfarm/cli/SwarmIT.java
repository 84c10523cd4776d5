package dev.crossfarm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crossfarm.cli.docker.Engine;
import dev.crossfarm.harness.Peers;
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
 * a local cross compile, {@code farm hosts} and {@code status} show the node, and {@code farm down
 * --swarm} leaves no service, label or registry behind (and the swarm as it was).
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
  void aTargetIsRefusedOnANodeThatCannotRunIt() {
    // this node is x86_64, which hosts every target: the refusal is for an unknown target name
    Peers.Run bad = Cli.farm(work, Map.of(), "node", "label", node, "--targets", "sparc");
    assertTrue(bad.exit() != 0 && bad.err().contains("sparc"), bad.err());
  }

  @Test
  @Order(4)
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
    assertTrue(
        Cli.run(work, "sh", "-c", "exec 3<>/dev/tcp/127.0.0.1/5000").exit() != 0,
        "the private registry is stopped");
  }
}
