package dev.crossfarm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.model.Container;
import dev.crossfarm.cli.docker.Engine;
import dev.crossfarm.cli.docker.Labels;
import dev.crossfarm.harness.Peers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * farm up aarch64 against the real engine (Debian docker.io): the image builds from debootstrap
 * with no registry, the stock client builds lua through 127.0.0.1:3636 with aarch64 objects
 * identical to a local cross compile, status reports it healthy with its compiler, up is idempotent
 * and replaces only on change, a killed container makes the client fall back locally, and down
 * leaves nothing of the farm behind.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FarmUpDockerIT {

  private Engine engine;
  private Path work;
  private Path lua;
  private Path localObjects;

  @BeforeAll
  void upAndLocalReference(@TempDir Path work) throws Exception {
    this.work = work;
    engine = DockerEngine.require();
    Cli.farm(work, Map.of(), "down").ok("farm down before the test");
    lua = Cli.copyLua(work.resolve("lua"));
    Path src = lua.resolve("src");
    Cli.run(
            src,
            Map.of(),
            600,
            List.of(
                "make",
                "-s",
                "-j2",
                "linux",
                "CC=aarch64-linux-gnu-gcc -std=gnu99",
                "AR=aarch64-linux-gnu-ar rcu",
                "RANLIB=aarch64-linux-gnu-ranlib"))
        .ok("local cross build");
    localObjects = Files.createDirectories(work.resolve("local"));
    for (Path o : objects(src)) {
      Files.copy(o, localObjects.resolve(o.getFileName().toString()));
    }
  }

  @AfterAll
  void down() {
    if (engine != null) {
      Cli.farm(work, Map.of(), "down");
      engine.close();
    }
  }

  private static List<Path> objects(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".o")).sorted().toList();
    }
  }

  private Peers.Run makeLua(Map<String, String> env, String jobs) {
    Path src = lua.resolve("src");
    Cli.run(src, Map.of(), 60, List.of("make", "-s", "clean")).ok("make clean");
    return Cli.run(
        src,
        env,
        900,
        List.of(
            "make",
            "-s",
            "-j" + jobs,
            "linux",
            "CC=distcc aarch64-linux-gnu-gcc -std=gnu99",
            "AR=aarch64-linux-gnu-ar rcu",
            "RANLIB=aarch64-linux-gnu-ranlib"));
  }

  private Container volunteer() {
    return engine
        .client()
        .listContainersCmd()
        .withShowAll(true)
        .withLabelFilter(Map.of(Labels.FARM, "volunteer"))
        .exec()
        .stream()
        .findFirst()
        .orElse(null);
  }

  @Test
  @Order(1)
  void upBuildsTheImageStartsTheVolunteerAndPrintsTheClientLine() {
    Peers.Run up = Cli.farm(work, Map.of(), "up", "aarch64").ok("farm up aarch64");
    assertTrue(up.err().contains("answers a real compile on 127.0.0.1:3636"), up.err());
    assertTrue(up.out().contains(":3636/"), up.out());
    assertTrue(engine.imageExists("crossfarm/volunteer-aarch64:" + version()));
  }

  @Test
  @Order(2)
  void theStockClientBuildsLuaThroughPort3636WithAarch64ObjectsIdenticalToLocal() throws Exception {
    makeLua(Cli.distcc("127.0.0.1:3636/4,lzo", work.resolve("dcc"), false), "4")
        .ok("lua via the farm");
    Path src = lua.resolve("src");
    String file = Cli.run(src, "file", "lapi.o").ok("file").out();
    assertTrue(file.contains("ARM aarch64"), file);
    for (Path expected : objects(localObjects)) {
      assertEquals(
          -1,
          Files.mismatch(expected, src.resolve(expected.getFileName().toString())),
          expected.getFileName().toString());
    }
  }

  @Test
  @Order(2)
  void theContainerIsReachableOverSshThroughItsCommandWithNoPortOfItsOwn() throws Exception {
    Path bin = work.resolve("ssh-bin");
    Cli.farm(
            work,
            Map.of(),
            "ssh-commands",
            "aarch64",
            "--engine",
            "docker",
            "--dir",
            bin.toString())
        .ok("farm ssh-commands aarch64");
    assertTrue(
        Files.readString(bin.resolve("farm-aarch64")).contains("docker exec -i crossfarm-aarch64"));
    try (Sshd sshd = Sshd.start(work.resolve("sshd"))) {
      Peers.Run hosts =
          Cli.farm(
              work, Map.of(), "hosts", "--ssh", "--ssh-dir", bin.toString(), "--host", "127.0.0.1");
      String line =
          hosts
              .ok("farm hosts --ssh")
              .out()
              .lines()
              .filter(l -> l.contains("DISTCC_HOSTS"))
              .findFirst()
              .orElseThrow();
      String spec = line.substring(line.indexOf('\'') + 1, line.lastIndexOf('\''));
      assertTrue(spec.startsWith("@127.0.0.1/") && spec.endsWith("farm-aarch64,lzo"), spec);
      makeLua(sshd.clientEnv(spec, work.resolve("dcc-ssh")), "4")
          .ok("lua over SSH into the container");
    }
    Path src = lua.resolve("src");
    for (Path expected : objects(localObjects)) {
      assertEquals(
          -1,
          Files.mismatch(expected, src.resolve(expected.getFileName().toString())),
          expected.getFileName().toString());
    }
  }

  @Test
  @Order(3)
  void statusReportsTheVolunteerHealthyWithItsCompilerVersionAndJobs() {
    Peers.Run status = Cli.farm(work, Map.of(), "status").ok("farm status");
    String line = status.out().lines().filter(l -> l.startsWith("aarch64")).findFirst().orElse("");
    assertTrue(
        line.contains("healthy") && line.contains("docker") && line.contains("3636"), status.out());
    String gcc = Cli.run(work, "aarch64-linux-gnu-gcc", "-dumpfullversion").ok("gcc").out().trim();
    assertTrue(line.contains(gcc), "compiler version " + gcc + " in: " + line);
    String done = line.trim().split("\\s+")[6];
    assertTrue(Integer.parseInt(done) >= 30, "jobs done: " + line);
  }

  @Test
  @Order(3)
  void theContainersCacheAnsweredTheSecondBuildAndClears() {
    // lua went through the container twice (TCP, then SSH): the second time from its cache volume
    String stats =
        Cli.farm(work, Map.of(), "cache", "stats", "aarch64").ok("farm cache stats").out();
    String line = stats.lines().filter(l -> l.startsWith("aarch64")).findFirst().orElse("");
    assertTrue(line.contains("/var/cache/crossfarm"), stats);
    assertTrue(Long.parseLong(line.trim().split("\\s+")[2]) >= 30, "hits: " + stats);
    String cleared = Cli.farm(work, Map.of(), "cache", "clear").ok("farm cache clear").out();
    assertTrue(cleared.startsWith("aarch64") && cleared.contains("cleared"), cleared);
    String after = Cli.farm(work, Map.of(), "cache", "stats").ok("farm cache stats").out();
    assertTrue(after.contains(" 0 B / 2.0 GiB"), after);
  }

  @Test
  @Order(4)
  void aSecondUpChangesNothingAndAConfigChangeReplacesTheVolunteer() throws Exception {
    String before = volunteer().getId();
    Peers.Run again = Cli.farm(work, Map.of(), "up", "aarch64").ok("second farm up");
    assertTrue(again.err().contains("crossfarm-aarch64 unchanged"), again.err());
    assertEquals(before, volunteer().getId());

    Path config =
        // without a cache from here on: the kill test below needs compiles in flight
        Files.writeString(
            work.resolve("farm.yaml"), "per-target:\n  aarch64: {jobs: 3, cache: false}\n");
    Peers.Run changed =
        Cli.farm(work, Map.of(), "up", "aarch64", "--config", config.toString())
            .ok("up after a change");
    assertTrue(changed.err().contains("crossfarm-aarch64 replaced"), changed.err());
    String hosts = Cli.farm(work, Map.of(), "hosts").ok("farm hosts").out();
    assertTrue(hosts.contains(":3636/3,lzo"), hosts);
  }

  @Test
  @Order(5)
  void killingTheVolunteerMidBuildMakesTheStockClientFallBackAndTheBuildCompletes()
      throws Exception {
    Path src = lua.resolve("src");
    Cli.run(src, Map.of(), 60, List.of("make", "-s", "clean")).ok("make clean");
    Map<String, String> env = Cli.distcc("127.0.0.1:3636/2,lzo", work.resolve("dcc2"), true);
    // the killer records how far the build was when the kill landed, or what stopped it
    CompletableFuture<Integer> killedAt =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                // once a few objects exist the build is under way: kill the volunteer
                for (int i = 0; i < 600 && objects(src).size() < 4; i++) {
                  Thread.sleep(50);
                }
                int built = objects(src).size();
                engine.client().killContainerCmd("crossfarm-aarch64").exec();
                return built;
              } catch (Exception e) {
                // surfaces in killedAt.get() below: a kill that never happened fails the test
                throw new IllegalStateException("the kill did not happen", e);
              }
            });
    Peers.Run build = makeLua(env, "2");
    int before = killedAt.get(5, TimeUnit.MINUTES);
    build.ok("lua build while the volunteer is killed");
    int after = objects(src).size();
    assertTrue(before >= 4 && before < after, "killed after " + before + " of " + after);
    assertTrue(after >= 30, "objects after the build: " + after);
    assertTrue(
        build.err().contains("running locally instead"),
        "the stock client fell back for the jobs the killed volunteer lost:\n" + build.err());
  }

  @Test
  @Order(6)
  void downLeavesNoContainerNetworkOrDanglingLayerOfTheFarm() {
    Cli.farm(work, Map.of(), "down").ok("farm down");
    assertEquals(null, volunteer());
    assertTrue(
        engine.client().listNetworksCmd().exec().stream()
            .noneMatch(n -> n.getLabels() != null && n.getLabels().containsKey(Labels.FARM)));
    assertTrue(
        engine
            .client()
            .listImagesCmd()
            .withDanglingFilter(true)
            .withLabelFilter(Map.of(Labels.TOOLCHAIN, ""))
            .exec()
            .isEmpty());
  }

  static String version() {
    return Farm.version();
  }
}
