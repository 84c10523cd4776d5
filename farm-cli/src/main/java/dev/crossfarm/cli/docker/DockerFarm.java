package dev.crossfarm.cli.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HealthCheck;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.PruneType;
import com.github.dockerjava.api.model.RestartPolicy;
import com.github.dockerjava.api.model.Volume;
import dev.crossfarm.cli.farm.Volunteer;
import dev.crossfarm.cli.farm.VolunteerSpec;
import dev.crossfarm.cli.image.ImageRecipe;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The farm's volunteers as containers of the local engine: one per target, named {@code
 * crossfarm-ARCH}, on the {@code crossfarm} network, labelled so that {@code farm down} removes
 * exactly these. Each runs read-only with a tmpfs for job directories, no capabilities, no new
 * privileges, tini as PID 1, restarted unless stopped.
 */
public final class DockerFarm {

  public static final String NETWORK = "crossfarm";
  private static final String PREFIX = "crossfarm-";

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
              + ImageRecipe.USER_ID
              + "); if the volunteer cannot log clients in: chown "
              + ImageRecipe.USER_ID
              + " "
              + hostPath
              + " (or setfacl -m u:"
              + ImageRecipe.USER_ID
              + ":r)");
    }
    return new Bind(hostPath, new Volume(containerPath), AccessMode.ro);
  }

  /** Owner or mode lets uid 3632 read it (ACLs are not looked at: hence only a warning). */
  private static boolean readableByVolunteer(Path file) {
    try {
      int mode = (Integer) Files.getAttribute(file, "unix:mode");
      int uid = (Integer) Files.getAttribute(file, "unix:uid");
      return (mode & 0004) != 0 || (uid == ImageRecipe.USER_ID && (mode & 0400) != 0);
    } catch (IOException | UnsupportedOperationException e) {
      return true;
    }
  }

  /** The container of {@code target}'s volunteer. */
  public static String containerName(String target) {
    return PREFIX + target;
  }

  /** The job directories: in memory, bounded, wiped with the container. */
  private static final String JOB_TMPFS = "rw,nosuid,nodev,size=2g,mode=1777";

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

  /** Makes the volunteer for {@code spec} run {@code image}, touching it only if it differs. */
  public Change up(VolunteerSpec spec, String image) {
    DockerClient docker = engine.client();
    ensureNetwork();
    String name = containerName(spec.target());
    String digest = spec.digest(image);
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
    int port = spec.toolchain().port();
    ExposedPort compile = ExposedPort.tcp(port);
    ExposedPort stats = ExposedPort.tcp(port + 1000);
    Ports bindings = new Ports();
    bindings.bind(compile, binding(spec.listen(), spec.port()));
    bindings.bind(stats, binding(spec.listen(), spec.statsPort()));
    HostConfig host =
        HostConfig.newHostConfig()
            .withPortBindings(bindings)
            .withReadonlyRootfs(true)
            .withTmpFs(Map.of("/tmp", JOB_TMPFS))
            .withCapDrop(Capability.ALL)
            .withSecurityOpts(List.of("no-new-privileges"))
            .withRestartPolicy(RestartPolicy.unlessStoppedRestart())
            .withNetworkMode(NETWORK);
    if (spec.auth() != null) {
      // the login's files, read-only: the keytab never enters an image
      List<Bind> binds = new ArrayList<>();
      binds.add(readOnly(spec.auth().keytab(), VolunteerSpec.KEYTAB_IN_CONTAINER));
      binds.add(readOnly(spec.auth().krb5Conf(), VolunteerSpec.KRB5_CONF_IN_CONTAINER));
      String list =
          spec.auth().whitelist() != null ? spec.auth().whitelist() : spec.auth().blacklist();
      if (list != null) {
        binds.add(readOnly(list, VolunteerSpec.PRINCIPALS_IN_CONTAINER));
      }
      host.withBinds(binds);
    }
    if (spec.memoryBytes() != null) {
      host.withMemory(spec.memoryBytes());
    }
    if (spec.cpus() != null) {
      host.withNanoCPUs((long) (spec.cpus() * 1e9));
    }
    docker
        .createContainerCmd(image)
        .withName(name)
        .withCmd(spec.containerArguments(port, "/tmp"))
        .withEnv(
            spec.environment(VolunteerSpec.KRB5_CONF_IN_CONTAINER).entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .sorted()
                .toList())
        .withExposedPorts(compile, stats)
        .withHostConfig(host)
        .withLabels(
            Map.of(
                Labels.FARM,
                "volunteer",
                Labels.TARGET,
                spec.target(),
                Labels.SPEC,
                digest,
                Labels.ZEROCONF,
                Boolean.toString(spec.zeroconf()),
                Labels.AUTH,
                Boolean.toString(spec.auth() != null)))
        .withHealthcheck(healthCheck(spec))
        .exec();
    docker.startContainerCmd(name).exec();
    return change;
  }

  /**
   * The engine's own health check: a real compile through the volunteer ({@code farm health}), once
   * a minute; {@code farm up} does not wait for it, it probes from outside.
   */
  private static HealthCheck healthCheck(VolunteerSpec spec) {
    return new HealthCheck()
        .withTest(cmd(ImageRecipe.healthInImage(spec.toolchain(), spec.auth() != null)))
        .withInterval(TimeUnit.SECONDS.toNanos(60))
        .withTimeout(TimeUnit.SECONDS.toNanos(30))
        .withStartPeriod(TimeUnit.SECONDS.toNanos(20))
        .withRetries(3);
  }

  private static List<String> cmd(List<String> command) {
    List<String> test = new ArrayList<>(List.of("CMD"));
    test.addAll(command);
    return test;
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
      for (com.github.dockerjava.api.model.ContainerPort p : c.getPorts()) {
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
              "docker",
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
      if (n.getLabels() != null && n.getLabels().containsKey(Labels.FARM)) {
        docker.removeNetworkCmd(n.getId()).exec();
      }
    }
    docker.pruneCmd(PruneType.IMAGES).withDangling(true).withLabelFilter(Labels.TOOLCHAIN).exec();
    return removed;
  }

  /** Writes the container's log of {@code target} to {@code out}. */
  public void logs(String target, OutputStream out, boolean follow) {
    String name = containerName(target);
    if (find(name) == null) {
      throw new NotFoundException("no volunteer container " + name);
    }
    try {
      engine
          .client()
          .logContainerCmd(name)
          .withStdOut(true)
          .withStdErr(true)
          .withFollowStream(follow)
          .exec(
              new ResultCallback.Adapter<Frame>() {
                @Override
                public void onNext(Frame frame) {
                  try {
                    out.write(frame.getPayload());
                    out.flush();
                  } catch (IOException e) {
                    throw new IllegalStateException(e);
                  }
                }
              })
          .awaitCompletion();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
