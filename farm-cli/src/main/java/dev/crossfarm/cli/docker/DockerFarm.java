package dev.crossfarm.cli.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ContainerPort;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HealthCheck;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.PruneType;
import com.github.dockerjava.api.model.RestartPolicy;
import com.github.dockerjava.api.model.Volume;
import dev.crossfarm.cli.farm.ContainerPlan;
import dev.crossfarm.cli.farm.PlaceKind;
import dev.crossfarm.cli.farm.Volunteer;
import dev.crossfarm.cli.image.ImageRecipe;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The farm's volunteers as containers of the local engine: one per target, named {@code
 * crossfarm-ARCH}, on the {@code crossfarm} network, labelled so that {@code farm down} removes
 * exactly these. Each runs read-only with a tmpfs for job directories, no capabilities, no new
 * privileges, tini as PID 1, restarted unless stopped.
 */
public final class DockerFarm {

  public static final String NETWORK = "crossfarm";

  private Bind readOnly(String hostPath, String containerPath) {
    Path file = Path.of(hostPath);
    if (!Files.isReadable(file)) {
      throw new IllegalArgumentException(
          "auth: cannot read " + hostPath + " (farm.yaml names it for the volunteer)");
    }
    if (!readableByVolunteer(file)) {
      progress.accept(
          "warning: "
              + hostPath
              + " may not be readable by the container's user (uid "
              + ImageRecipe.bundled().user().id()
              + "); if the volunteer cannot log clients in: chown "
              + ImageRecipe.bundled().user().id()
              + " "
              + hostPath
              + " (or setfacl -m u:"
              + ImageRecipe.bundled().user().id()
              + ":r)");
    }
    return new Bind(hostPath, new Volume(containerPath), AccessMode.ro);
  }

  /** Owner or mode lets uid 3632 read it (ACLs are not looked at: hence only a warning). */
  private static boolean readableByVolunteer(Path file) {
    try {
      int mode = (Integer) Files.getAttribute(file, "unix:mode");
      int uid = (Integer) Files.getAttribute(file, "unix:uid");
      return (mode & 0004) != 0 || (uid == ImageRecipe.bundled().user().id() && (mode & 0400) != 0);
    } catch (IOException | UnsupportedOperationException e) {
      return true;
    }
  }

  private final Engine engine;
  private final Consumer<String> progress;

  public DockerFarm(Engine engine, Consumer<String> progress) {
    this.engine = engine;
    this.progress = progress;
  }

  /** What {@link #up} did to one volunteer. */
  public enum Change {
    CREATED,
    REPLACED,
    UNCHANGED,
    STARTED
  }

  /** Makes the volunteer of {@code plan} run, touching it only if its plan changed. */
  public Change up(ContainerPlan plan) {
    DockerClient docker = engine.client();
    ensureNetwork();
    String name = plan.name();
    String digest = plan.labels().get(Labels.SPEC);
    Container existing = find(name);
    Change change = Change.CREATED;
    if (existing != null) {
      boolean same = digest.equals(existing.getLabels().get(Labels.SPEC));
      if (same && "running".equals(existing.getState())) {
        return Change.UNCHANGED;
      }
      if (same) {
        docker.startContainerCmd(existing.getId()).exec();
        return Change.STARTED;
      }
      progress.accept(name + ": settings or image changed; replacing it");
      docker.removeContainerCmd(existing.getId()).withForce(true).exec();
      change = Change.REPLACED;
    }
    Ports bindings = new Ports();
    List<ExposedPort> exposed = new ArrayList<>();
    for (ContainerPlan.PortBinding p : plan.ports()) {
      ExposedPort port = ExposedPort.tcp(p.containerPort());
      exposed.add(port);
      bindings.bind(port, binding(p.listen(), p.hostPort()));
    }
    HostConfig host =
        HostConfig.newHostConfig()
            .withPortBindings(bindings)
            .withInit(true)
            .withReadonlyRootfs(true)
            .withTmpFs(Map.of(plan.jobs().path(), plan.tmpfsOptions()))
            .withCapDrop(Capability.ALL)
            .withSecurityOpts(List.of("no-new-privileges"))
            .withRestartPolicy(RestartPolicy.unlessStoppedRestart())
            .withNetworkMode(NETWORK)
            .withBinds(
                Stream.concat(
                        plan.files().stream().map(f -> readOnly(f.source(), f.target())),
                        plan.volumes().stream()
                            .map(v -> new Bind(v.volume(), new Volume(v.target()))))
                    .toList());
    if (plan.memoryBytes() != null) {
      host.withMemory(plan.memoryBytes());
    }
    if (plan.cpus() != null) {
      host.withNanoCPUs((long) (plan.cpus() * 1e9));
    }
    Map<String, String> labels = new HashMap<>(plan.labels());
    labels.put(Labels.FARM, "volunteer");
    docker
        .createContainerCmd(plan.image())
        .withName(name)
        .withEntrypoint(plan.entrypoint())
        .withCmd(plan.arguments())
        .withEnv(plan.environmentLines())
        .withExposedPorts(exposed)
        .withHostConfig(host)
        .withLabels(labels)
        .withHealthcheck(healthCheck(plan))
        .exec();
    docker.startContainerCmd(name).exec();
    return change;
  }

  /**
   * The engine's own health check: a real compile through the volunteer ({@code farm health});
   * {@code farm up} does not wait for it, it probes from outside.
   */
  private static HealthCheck healthCheck(ContainerPlan plan) {
    List<String> test = new ArrayList<>(List.of("CMD"));
    test.addAll(plan.health());
    ImageRecipe.Health t = plan.healthTimings();
    return new HealthCheck()
        .withTest(test)
        .withInterval(TimeUnit.SECONDS.toNanos(t.intervalSeconds()))
        .withTimeout(TimeUnit.SECONDS.toNanos(t.timeoutSeconds()))
        .withStartPeriod(TimeUnit.SECONDS.toNanos(t.startPeriodSeconds()))
        .withRetries(t.retries());
  }

  private static Ports.Binding binding(String listen, int port) {
    return listen == null
        ? Ports.Binding.bindPort(port)
        : Ports.Binding.bindIpAndPort(listen, port);
  }

  private void ensureNetwork() {
    DockerClient docker = engine.client();
    boolean exists =
        docker.listNetworksCmd().withNameFilter(NETWORK).exec().stream()
            .anyMatch(n -> NETWORK.equals(n.getName()));
    if (!exists) {
      docker
          .createNetworkCmd()
          .withName(NETWORK)
          .withDriver("bridge")
          .withLabels(Map.of(Labels.FARM, "network"))
          .exec();
    }
  }

  private Container find(String name) {
    return engine
        .client()
        .listContainersCmd()
        .withShowAll(true)
        .withNameFilter(List.of(name))
        .exec()
        .stream()
        .filter(c -> List.of(c.getNames()).contains("/" + name))
        .findFirst()
        .orElse(null);
  }

  /** Every farm volunteer container, running or not. */
  public List<Volunteer> list() {
    return list(Map.of(Labels.FARM, "volunteer"));
  }

  /** The volunteer containers the host announces over mDNS ('farm advertise'). */
  public List<Volunteer> listAnnounced() {
    return list(Map.of(Labels.FARM, "volunteer", Labels.ZEROCONF, "true"));
  }

  private List<Volunteer> list(Map<String, String> selector) {
    List<Volunteer> all = new ArrayList<>();
    for (Container c :
        engine.client().listContainersCmd().withShowAll(true).withLabelFilter(selector).exec()) {
      String target = c.getLabels().get(Labels.TARGET);
      String version = null;
      try {
        Map<String, String> labels =
            engine.client().inspectImageCmd(c.getImageId()).exec().getConfig().getLabels();
        version = labels == null ? null : labels.get(Labels.COMPILER_VERSION);
      } catch (NotFoundException gone) {
        // image removed under a container: shown without a version
      }
      int port = -1;
      int statsPort = -1;
      String host = "127.0.0.1";
      for (ContainerPort p : c.getPorts()) {
        if (p.getPublicPort() == null) {
          continue;
        }
        if (p.getPrivatePort() != null && p.getPrivatePort() >= 4000) {
          statsPort = p.getPublicPort();
        } else {
          port = p.getPublicPort();
        }
        if (p.getIp() != null && !p.getIp().equals("0.0.0.0") && !p.getIp().equals("::")) {
          host = p.getIp();
        }
      }
      all.add(
          new Volunteer(
              target,
              PlaceKind.DOCKER,
              c.getNames()[0].substring(1),
              c.getImage(),
              version,
              host,
              port,
              statsPort,
              jobsOf(c),
              c.getState(),
              "true".equals(c.getLabels().get(Labels.AUTH)),
              "true".equals(c.getLabels().get(Labels.ZEROCONF))));
    }
    all.sort(Comparator.comparing(Volunteer::target));
    return all;
  }

  private int jobsOf(Container c) {
    try {
      String[] cmd = engine.client().inspectContainerCmd(c.getId()).exec().getArgs();
      for (int i = 0; cmd != null && i < cmd.length - 1; i++) {
        if (cmd[i].equals("--jobs")) {
          return Integer.parseInt(cmd[i + 1]);
        }
      }
    } catch (RuntimeException e) {
      // unknown slots are shown as 0
    }
    return 0;
  }

  /** Removes every farm container and network, and dangling layers of farm images. */
  public int down() {
    DockerClient docker = engine.client();
    int removed = 0;
    for (Container c :
        docker
            .listContainersCmd()
            .withShowAll(true)
            .withLabelFilter(Map.of(Labels.FARM, "volunteer"))
            .exec()) {
      docker.removeContainerCmd(c.getId()).withForce(true).exec();
      progress.accept("removed " + c.getNames()[0].substring(1));
      removed++;
    }
    for (Network n : docker.listNetworksCmd().exec()) {
      // its own bridge only: the swarm's overlay (farm up --swarm --front) is the swarm's to remove
      if (n.getLabels() != null && "network".equals(n.getLabels().get(Labels.FARM))) {
        docker.removeNetworkCmd(n.getId()).exec();
      }
    }
    docker.pruneCmd(PruneType.IMAGES).withDangling(true).withLabelFilter(Labels.TOOLCHAIN).exec();
    return removed;
  }

  /** Writes the container's log of {@code target} to {@code out}. */
  public void logs(String target, OutputStream out, boolean follow) {
    String name = ContainerPlan.containerName(target);
    if (find(name) == null) {
      throw new NotFoundException("no volunteer container " + name);
    }
    engine
        .client()
        .logContainerCmd(name)
        .withStdOut(true)
        .withStdErr(true)
        .withFollowStream(follow)
        .exec(new LogCopy(out))
        .await();
  }
}
