package dev.crossfarm.cli.farm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.api.model.PortConfig;
import com.github.dockerjava.api.model.ServiceSpec;
import dev.crossfarm.cli.config.AuthConfig;
import dev.crossfarm.cli.generate.ComposeFile;
import dev.crossfarm.cli.image.ImageRecipe;
import dev.crossfarm.cli.swarm.SwarmFarm;
import dev.crossfarm.toolchain.ToolchainCatalog;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The swarm service and the compose service say what the plan says, field for field. */
class ContainerPlanTest {

  private final ContainerPlan plan =
      ContainerPlan.of(
          new VolunteerSpec(
              ToolchainCatalog.builtIn().get("aarch64"),
              3700,
              "127.0.0.1",
              List.of("10.0.0.0/8"),
              List.of("192.168.5.7/32"),
              3,
              1L << 30,
              1.5,
              600,
              new AuthConfig("distcc/h@R", "/k.keytab", "/p", null, "/krb5.conf"),
              false,
              true,
              "5g",
              "warn"),
          "crossfarm/volunteer-aarch64:1",
          ImageRecipe.bundled());

  @Test
  void theStatsPortFollowsTheCompilePortInOnePlace() {
    assertEquals(3636, plan.ports().get(0).containerPort());
    assertEquals(3700, plan.ports().get(0).hostPort());
    assertEquals(4636, plan.ports().get(1).containerPort());
    assertEquals(4700, plan.ports().get(1).hostPort());
  }

  @Test
  void theVolunteerGetsItsStatsAllowListNextToItsCompileAllowList() {
    List<String> args = plan.arguments();
    int allow = args.indexOf("--allow");
    int statsAllow = args.indexOf("--stats-allow");
    assertEquals("10.0.0.0/8", args.get(allow + 1));
    assertEquals("192.168.5.7/32", args.get(statsAllow + 1));
    assertEquals(1, args.stream().filter("--stats-allow"::equals).count(), args.toString());
  }

  @Test
  void theVolunteerKeepsItsCacheInTheVolumeWithTheFarmYamlSettings() {
    List<String> args = plan.arguments();
    assertEquals("/var/cache/crossfarm", args.get(args.indexOf("--cache-dir") + 1));
    assertEquals("5g", args.get(args.indexOf("--cache-size") + 1));
    assertEquals("warn", args.get(args.indexOf("--version-drift") + 1));
    assertEquals(
        List.of(new ContainerPlan.VolumeMount("crossfarm-cache", "/var/cache/crossfarm")),
        plan.volumes());
  }

  @Test
  void aVolunteerWithoutCacheGetsNoVolumeAndSaysNoCache() {
    ContainerPlan off =
        ContainerPlan.of(
            new VolunteerSpec(
                ToolchainCatalog.builtIn().get("x86_64"),
                3632,
                null,
                List.of(),
                List.of(),
                2,
                null,
                null,
                600,
                null,
                false,
                false,
                null,
                null),
            "crossfarm/volunteer-x86_64:1",
            ImageRecipe.bundled());
    assertTrue(off.arguments().contains("--no-cache"));
    assertFalse(off.arguments().contains("--cache-dir"));
    assertEquals(List.of(), off.volumes());
  }

  @Test
  void aFrontRunsFarmFrontInTheVolunteerImageAndFindsTheVolunteersByName() {
    VolunteerSpec spec =
        new VolunteerSpec(
            ToolchainCatalog.builtIn().get("aarch64"),
            3636,
            null,
            List.of("192.168.1.0/24"),
            List.of(),
            4,
            null,
            null,
            900,
            null,
            false,
            true,
            null,
            null);
    ContainerPlan front =
        ContainerPlan.front(spec, "img", ImageRecipe.bundled(), "tasks.crossfarm-aarch64:3636");
    assertEquals("crossfarm-front-aarch64", front.name());
    assertTrue(front.entrypoint().contains("front"), front.entrypoint().toString());
    List<String> args = front.arguments();
    assertEquals("tasks.crossfarm-aarch64:3636", args.get(args.indexOf("--volunteers-dns") + 1));
    assertEquals("192.168.1.0/24", args.get(args.indexOf("--allow") + 1));
    assertEquals(13636, front.ports().get(0).hostPort());
    assertEquals(14636, front.ports().get(1).hostPort());
    assertEquals("front", front.labels().get("dev.crossfarm.role"));
    // its volunteers let the front's network in, to compile and to be polled
    VolunteerSpec behind = spec.behindFront(SwarmFarm.NETWORK_SUBNET);
    assertEquals(List.of("192.168.1.0/24", SwarmFarm.NETWORK_SUBNET), behind.allow());
    assertEquals(List.of(SwarmFarm.NETWORK_SUBNET), behind.statsAllow());
    ServiceSpec s =
        SwarmFarm.serviceSpec(ContainerPlan.of(behind, "img", ImageRecipe.bundled()), true);
    assertEquals(SwarmFarm.NETWORK, s.getTaskTemplate().getNetworks().get(0).getTarget());
  }

  @Test
  void swarmServiceRendersEveryFieldItSupports() {
    ServiceSpec s = SwarmFarm.serviceSpec(plan);
    var c = s.getTaskTemplate().getContainerSpec();
    assertEquals(plan.image(), c.getImage());
    assertEquals(plan.entrypoint(), c.getCommand());
    assertEquals(plan.arguments(), c.getArgs());
    assertEquals(plan.environmentLines(), c.getEnv());
    List<Mount> mounts = c.getMounts();
    assertEquals(plan.jobs().path(), mounts.get(0).getTarget());
    assertEquals(plan.jobs().sizeBytes(), mounts.get(0).getTmpfsOptions().getSizeBytes());
    int files = plan.files().size();
    assertEquals(
        plan.files().stream().map(ContainerPlan.FileMount::target).toList(),
        mounts.subList(1, 1 + files).stream().map(Mount::getTarget).toList());
    Mount cache = mounts.get(1 + files);
    assertEquals(MountType.VOLUME, cache.getType());
    assertEquals("crossfarm-cache", cache.getSource());
    assertEquals("/var/cache/crossfarm", cache.getTarget());
    assertEquals(2 + files, mounts.size());
    assertEquals(
        plan.memoryBytes(), s.getTaskTemplate().getResources().getLimits().getMemoryBytes());
    assertEquals(
        (long) (plan.cpus() * 1e9), s.getTaskTemplate().getResources().getLimits().getNanoCPUs());
    List<PortConfig> ports = s.getEndpointSpec().getPorts();
    for (int i = 0; i < plan.ports().size(); i++) {
      assertEquals(plan.ports().get(i).containerPort(), ports.get(i).getTargetPort());
      assertEquals(plan.ports().get(i).hostPort(), ports.get(i).getPublishedPort());
    }
    plan.labels().forEach((k, v) -> assertEquals(v, s.getLabels().get(k), k));
  }

  @Test
  void composeServiceRendersEveryFieldItSupports() {
    Map<String, Object> s = ComposeFile.service(plan);
    assertEquals(plan.image(), s.get("image"));
    assertEquals(plan.entrypoint(), s.get("entrypoint"));
    assertEquals(plan.arguments(), s.get("command"));
    assertEquals(plan.environment(), s.get("environment"));
    assertEquals(List.of(plan.jobs().path() + ":" + plan.tmpfsOptions()), s.get("tmpfs"));
    assertEquals(plan.memoryBytes(), s.get("mem_limit"));
    assertEquals(plan.cpus(), s.get("cpus"));
    assertEquals(List.of("127.0.0.1:3700:3636", "127.0.0.1:4700:4636"), s.get("ports"));
    List<String> volumes =
        new java.util.ArrayList<>(
            plan.files().stream().map(f -> f.source() + ":" + f.target() + ":ro").toList());
    volumes.add("crossfarm-cache:/var/cache/crossfarm");
    assertEquals(volumes, s.get("volumes"));
    assertEquals(plan.labels(), s.get("labels"));
    @SuppressWarnings("unchecked")
    Map<String, Object> health = (Map<String, Object>) s.get("healthcheck");
    assertEquals(
        plan.health(), ((List<?>) health.get("test")).subList(1, plan.health().size() + 1));
    assertEquals(plan.healthTimings().intervalSeconds() + "s", health.get("interval"));
  }
}
