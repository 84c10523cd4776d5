package dev.crossfarm.cli.swarm;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.ContainerSpec;
import com.github.dockerjava.api.model.EndpointSpec;
import com.github.dockerjava.api.model.LocalNodeState;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.api.model.NetworkAttachmentConfig;
import com.github.dockerjava.api.model.PortConfig;
import com.github.dockerjava.api.model.PortConfigProtocol;
import com.github.dockerjava.api.model.ResourceRequirements;
import com.github.dockerjava.api.model.ResourceSpecs;
import com.github.dockerjava.api.model.Service;
import com.github.dockerjava.api.model.ServiceGlobalModeOptions;
import com.github.dockerjava.api.model.ServiceModeConfig;
import com.github.dockerjava.api.model.ServicePlacement;
import com.github.dockerjava.api.model.ServiceReplicatedModeOptions;
import com.github.dockerjava.api.model.ServiceRestartCondition;
import com.github.dockerjava.api.model.ServiceRestartPolicy;
import com.github.dockerjava.api.model.ServiceSpec;
import com.github.dockerjava.api.model.SwarmInfo;
import com.github.dockerjava.api.model.SwarmNode;
import com.github.dockerjava.api.model.Task;
import com.github.dockerjava.api.model.TaskSpec;
import com.github.dockerjava.api.model.TaskState;
import com.github.dockerjava.api.model.TmpfsOptions;
import com.github.dockerjava.api.model.UpdateConfig;
import com.github.dockerjava.api.model.UpdateFailureAction;
import dev.crossfarm.cli.docker.Engine;
import dev.crossfarm.cli.docker.Labels;
import dev.crossfarm.cli.docker.LogCopy;
import dev.crossfarm.cli.farm.ContainerPlan;
import dev.crossfarm.cli.farm.PlaceKind;
import dev.crossfarm.cli.farm.Volunteer;
import dev.crossfarm.toolchain.Toolchain;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The farm on Docker Swarm: one global service per target, placed by node label ({@link
 * NodeTargets}), with host-mode published ports, so every labelled node runs one volunteer on the
 * target's port, and a node that joins later with the label gets its volunteer without a command.
 * Talks to a manager's engine; everything it makes carries {@code dev.crossfarm.farm=swarm}.
 */
public final class SwarmFarm {

  /** The label value of the farm's services and their containers. */
  public static final String SWARM = "swarm";

  /**
   * The overlay network of a farm with fronts: each front finds its target's volunteers there by
   * name ({@code tasks.crossfarm-TARGET}) and reaches them on their ports inside.
   */
  public static final String NETWORK = "crossfarm";

  /** The network's addresses, which volunteers behind a front let in. */
  public static final String NETWORK_SUBNET = "10.213.36.0/24";

  private final Engine engine;
  private final Consumer<String> progress;

  public SwarmFarm(Engine engine, Consumer<String> progress) {
    this.engine = engine;
    this.progress = progress;
  }

  /**
   * The manager's swarm address (its advertise address), or an explanation of why this engine
   * cannot run the farm on a swarm.
   */
  public static String managerAddress(Engine engine) {
    SwarmInfo swarm = engine.client().infoCmd().exec().getSwarm();
    if (swarm == null || swarm.getLocalNodeState() != LocalNodeState.ACTIVE) {
      throw new IllegalStateException(
          "this Docker engine is not in a swarm: 'docker swarm init --advertise-addr ADDRESS' makes"
              + " it a manager; nodes join with the command it prints");
    }
    if (!Boolean.TRUE.equals(swarm.getControlAvailable())) {
      throw new IllegalStateException(
          "this Docker engine is a swarm worker: run farm against a manager (DOCKER_HOST)");
    }
    return swarm.getNodeAddr();
  }

  /** What {@link #up} did to one target's service. */
  public enum Change {
    CREATED,
    UPDATED,
    UNCHANGED
  }

  /**
   * Creates or updates the global service of {@code plan}; an update rolls through the nodes one at
   * a time (stop first: the host port is the node's).
   */
  public Change up(ContainerPlan plan) {
    return converge(plan, serviceSpec(plan, false));
  }

  /** The volunteers' service of {@code plan}, also on the farm's network (a front's too). */
  public Change upBehindFront(ContainerPlan plan) {
    ensureNetwork();
    return converge(plan, serviceSpec(plan, true));
  }

  /**
   * The front of {@code plan}: one task on a manager, on the farm's network, its ports published on
   * that node.
   */
  public Change upFront(ContainerPlan plan) {
    ensureNetwork();
    ServiceSpec spec = serviceSpec(plan, true);
    spec.getTaskTemplate()
        .withPlacement(new ServicePlacement().withConstraints(List.of("node.role==manager")));
    spec.withMode(
        new ServiceModeConfig().withReplicated(new ServiceReplicatedModeOptions().withReplicas(1)));
    return converge(plan, spec);
  }

  private void ensureNetwork() {
    DockerClient docker = engine.client();
    if (docker.listNetworksCmd().withNameFilter(NETWORK).exec().stream()
        .noneMatch(n -> NETWORK.equals(n.getName()))) {
      docker
          .createNetworkCmd()
          .withName(NETWORK)
          .withDriver("overlay")
          .withAttachable(true)
          .withLabels(Map.of(Labels.FARM, SWARM))
          .withIpam(
              new Network.Ipam().withConfig(new Network.Ipam.Config().withSubnet(NETWORK_SUBNET)))
          .exec();
      progress.accept("network " + NETWORK + " created (" + NETWORK_SUBNET + ", overlay)");
    }
  }

  private Change converge(ContainerPlan plan, ServiceSpec wanted) {
    DockerClient docker = engine.client();
    String digest = plan.labels().get(Labels.SPEC);
    Service existing = find(plan.name());
    if (existing == null) {
      docker.createServiceCmd(wanted).exec();
      return Change.CREATED;
    }
    if (digest.equals(existing.getSpec().getLabels().get(Labels.SPEC))) {
      return Change.UNCHANGED;
    }
    progress.accept(
        plan.name() + ": settings or image changed; rolling the update through the nodes");
    docker
        .updateServiceCmd(existing.getId(), wanted)
        .withVersion(existing.getVersion().getIndex())
        .exec();
    return Change.UPDATED;
  }

  /**
   * The plan as a service. What the service API of this engine cannot say: dropped capabilities and
   * no-new-privileges (docker-java 3.7's model has neither); the volunteer still runs as its own
   * user with a read-only root and an init.
   */
  public static ServiceSpec serviceSpec(ContainerPlan plan) {
    return serviceSpec(plan, false);
  }

  /** The same, also attached to the farm's network when {@code onNetwork}. */
  public static ServiceSpec serviceSpec(ContainerPlan plan, boolean onNetwork) {
    String target = plan.labels().get(Labels.TARGET);
    Map<String, String> labels = new HashMap<>(plan.labels());
    labels.put(Labels.FARM, SWARM);
    List<Mount> mounts = new ArrayList<>();
    mounts.add(
        new Mount()
            .withType(MountType.TMPFS)
            .withTarget(plan.jobs().path())
            .withTmpfsOptions(
                new TmpfsOptions()
                    .withSizeBytes(plan.jobs().sizeBytes())
                    .withMode(plan.jobs().modeBits())));
    // each node's own copy of the files, at the paths farm.yaml gives
    for (ContainerPlan.FileMount f : plan.files()) {
      mounts.add(
          new Mount()
              .withType(MountType.BIND)
              .withSource(f.source())
              .withTarget(f.target())
              .withReadOnly(true));
    }
    // the node's own cache volume, as each host's containers share theirs
    for (ContainerPlan.VolumeMount v : plan.volumes()) {
      mounts.add(
          new Mount().withType(MountType.VOLUME).withSource(v.volume()).withTarget(v.target()));
    }
    ContainerSpec container =
        new ContainerSpec()
            .withImage(plan.image())
            .withCommand(plan.entrypoint())
            .withArgs(plan.arguments())
            .withEnv(plan.environmentLines())
            .withInit(true)
            .withReadOnly(true)
            .withMounts(mounts)
            // no engine health check here: swarm holds a task in "starting" until the first
            // check passes (a minute at the containers' interval; 20.10 has no start interval),
            // which would also stall every rolling update. A daemon that exits is restarted
            // (condition any); farm status and top probe every node with a real compile.
            .withLabels(Map.of(Labels.FARM, SWARM, Labels.TARGET, target));
    ResourceSpecs limits = new ResourceSpecs();
    if (plan.memoryBytes() != null) {
      limits.withMemoryBytes(plan.memoryBytes());
    }
    if (plan.cpus() != null) {
      limits.withNanoCPUs((long) (plan.cpus() * 1e9));
    }
    TaskSpec task =
        new TaskSpec()
            .withContainerSpec(container)
            .withPlacement(
                new ServicePlacement().withConstraints(List.of(NodeTargets.constraint(target))))
            .withRestartPolicy(
                new ServiceRestartPolicy().withCondition(ServiceRestartCondition.ANY))
            .withResources(new ResourceRequirements().withLimits(limits));
    if (onNetwork) {
      task.withNetworks(List.of(new NetworkAttachmentConfig().withTarget(NETWORK)));
    }
    return new ServiceSpec()
        .withName(plan.name())
        .withLabels(labels)
        .withMode(new ServiceModeConfig().withGlobal(new ServiceGlobalModeOptions()))
        .withTaskTemplate(task)
        .withUpdateConfig(
            new UpdateConfig().withParallelism(1L).withFailureAction(UpdateFailureAction.PAUSE))
        .withEndpointSpec(
            new EndpointSpec()
                .withPorts(
                    plan.ports().stream()
                        .map(p -> hostPort(p.containerPort(), p.hostPort()))
                        .toList()));
  }

  private static PortConfig hostPort(int target, int published) {
    return new PortConfig()
        .withProtocol(PortConfigProtocol.TCP)
        .withTargetPort(target)
        .withPublishedPort(published)
        .withPublishMode(PortConfig.PublishMode.host);
  }

  private Service find(String name) {
    return engine.client().listServicesCmd().withNameFilter(List.of(name)).exec().stream()
        .filter(s -> name.equals(s.getSpec().getName()))
        .findFirst()
        .orElse(null);
  }

  private List<Service> services() {
    return engine.client().listServicesCmd().withLabelFilter(Map.of(Labels.FARM, SWARM)).exec();
  }

  /** Every node of the swarm. */
  public List<SwarmNode> nodes() {
    return engine.client().listSwarmNodesCmd().exec();
  }

  /** The nodes whose labels mark {@code target}. */
  public List<SwarmNode> nodesFor(String target) {
    return nodes().stream()
        .filter(n -> NodeTargets.of(n.getSpec().getLabels()).contains(target))
        .toList();
  }

  /**
   * Marks {@code node} (hostname or id) as serving exactly {@code targets}; refuses a target its
   * architecture cannot run.
   */
  public void label(String node, List<Toolchain> targets) {
    SwarmNode n = node(node);
    String arch = n.getDescription().getPlatform().getArchitecture();
    for (Toolchain t : targets) {
      String refusal = NodeTargets.refusal(t, arch);
      if (refusal != null) {
        throw new IllegalArgumentException(node + ": " + refusal);
      }
    }
    setTargets(n, targets.stream().map(Toolchain::name).toList());
  }

  private void setTargets(SwarmNode n, List<String> targets) {
    var spec = n.getSpec();
    spec.withLabels(NodeTargets.relabel(spec.getLabels(), targets));
    engine
        .client()
        .updateSwarmNodeCmd()
        .withSwarmNodeId(n.getId())
        .withVersion(n.getVersion().getIndex())
        .withSwarmNodeSpec(spec)
        .exec();
  }

  private SwarmNode node(String name) {
    return nodes().stream()
        .filter(n -> name.equals(n.getId()) || name.equals(n.getDescription().getHostname()))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "no swarm node '"
                        + name
                        + "'; nodes: "
                        + String.join(
                            ", ",
                            nodes().stream().map(x -> x.getDescription().getHostname()).toList())));
  }

  /**
   * One volunteer per task the farm's services want running: on its node's address, with the node's
   * cores as its slots unless farm.yaml set --jobs.
   */
  public List<Volunteer> list() {
    Map<String, SwarmNode> nodes = new HashMap<>();
    for (SwarmNode n : nodes()) {
      nodes.put(n.getId(), n);
    }
    List<Volunteer> all = new ArrayList<>();
    for (Service s : services()) {
      String target = s.getSpec().getLabels().get(Labels.TARGET);
      var container = s.getSpec().getTaskTemplate().getContainerSpec();
      String version = compilerVersion(container.getImage());
      int jobs = jobs(container.getArgs());
      boolean auth = "true".equals(s.getSpec().getLabels().get(Labels.AUTH));
      int port = -1;
      int statsPort = -1;
      for (PortConfig p : s.getSpec().getEndpointSpec().getPorts()) {
        if (p.getTargetPort() >= 4000) {
          statsPort = p.getPublishedPort();
        } else {
          port = p.getPublishedPort();
        }
      }
      for (Task t : latestTaskPerNode(s)) {
        SwarmNode node = nodes.get(t.getNodeId());
        if (node == null) {
          continue;
        }
        String address = node.getStatus().getAddress();
        int cores =
            node.getDescription().getResources() == null
                ? 1
                : (int) (node.getDescription().getResources().getNanoCPUs() / 1_000_000_000L);
        boolean front = "front".equals(s.getSpec().getLabels().get(Labels.ROLE));
        all.add(
            new Volunteer(
                target,
                front ? PlaceKind.FRONT : PlaceKind.SWARM,
                node.getDescription().getHostname(),
                container.getImage(),
                version,
                address,
                port,
                statsPort,
                jobs > 0 ? jobs : Math.max(1, cores),
                taskState(t),
                auth,
                false));
      }
    }
    all.sort(Comparator.comparing(Volunteer::target).thenComparing(Volunteer::id));
    return withFrontSlots(all);
  }

  /**
   * A front offers the slots of its target's volunteers: what a client names after its address
   * ({@code HOST:PORT/N}).
   */
  private static List<Volunteer> withFrontSlots(List<Volunteer> all) {
    return all.stream()
        .map(
            v ->
                v.kind() != PlaceKind.FRONT
                    ? v
                    : new Volunteer(
                        v.target(),
                        v.kind(),
                        v.id(),
                        v.image(),
                        v.compilerVersion(),
                        v.host(),
                        v.port(),
                        v.statsPort(),
                        Math.max(
                            1,
                            all.stream()
                                .filter(
                                    o ->
                                        o.kind() == PlaceKind.SWARM
                                            && o.target().equals(v.target())
                                            && o.state().equals("running"))
                                .mapToInt(Volunteer::jobs)
                                .sum()),
                        v.state(),
                        false,
                        false))
        .toList();
  }

  /**
   * Each node's newest task of {@code service}: the running one, or the last that failed to start
   * (a rejected pull, say), so that a node which does not run its volunteer shows why.
   */
  private List<Task> latestTaskPerNode(Service service) {
    Map<String, Task> newest = new HashMap<>();
    for (Task t : engine.client().listTasksCmd().withServiceFilter(service.getId()).exec()) {
      if (t.getNodeId() == null) {
        continue;
      }
      newest.merge(
          t.getNodeId(),
          t,
          (a, b) -> a.getVersion().getIndex() >= b.getVersion().getIndex() ? a : b);
    }
    return List.copyOf(newest.values());
  }

  /** "running", or the task's state with the engine's reason (e.g. a pull that failed). */
  static String taskState(Task t) {
    TaskState state = t.getStatus().getState();
    // STARTING: up, its health check not yet run (farm's own probe tells)
    if (state == TaskState.RUNNING || state == TaskState.STARTING) {
      return "running";
    }
    String err = t.getStatus().getErr();
    return state.name().toLowerCase(Locale.ROOT) + (err == null || err.isBlank() ? "" : ": " + err);
  }

  /**
   * The compiler version the image was built with, from its labels on this machine: services name
   * it by the registry's pinned reference, which is found here by its local name.
   */
  private String compilerVersion(String pinned) {
    String image = pinned.replaceFirst("@sha256:[0-9a-f]+$", "");
    image = image.substring(image.indexOf('/') + 1);
    try {
      Map<String, String> labels =
          engine.client().inspectImageCmd(image).exec().getConfig().getLabels();
      return labels == null ? null : labels.get(Labels.COMPILER_VERSION);
    } catch (NotFoundException | NullPointerException e) {
      return null;
    }
  }

  private static int jobs(List<String> args) {
    for (int i = 0; args != null && i < args.size() - 1; i++) {
      if (args.get(i).equals("--jobs")) {
        return Integer.parseInt(args.get(i + 1));
      }
    }
    return 0;
  }

  /** Writes the log of {@code target}'s service (every node's task) to {@code out}. */
  public boolean logs(String target, OutputStream out, boolean follow) {
    Service service = find(ContainerPlan.containerName(target));
    if (service == null) {
      return false;
    }
    engine
        .client()
        .logServiceCmd(service.getId())
        .withStdout(true)
        .withStderr(true)
        .withFollow(follow)
        .exec(new LogCopy(out))
        .await();
    return true;
  }

  /** Removes the farm's services and node labels; returns how many services there were. */
  public int down() {
    List<Service> services = services();
    for (Service s : services) {
      engine.client().removeServiceCmd(s.getId()).exec();
    }
    for (SwarmNode n : nodes()) {
      if (!NodeTargets.of(n.getSpec().getLabels()).isEmpty()) {
        setTargets(n, List.of());
      }
    }
    removeNetwork();
    return services.size();
  }

  /** The farm's network, once the tasks on it are gone (they stop a few seconds after removal). */
  private void removeNetwork() {
    DockerClient docker = engine.client();
    for (int i = 0; i < 30; i++) {
      var networks =
          docker.listNetworksCmd().withNameFilter(NETWORK).exec().stream()
              .filter(n -> NETWORK.equals(n.getName()))
              .toList();
      if (networks.isEmpty()) {
        return;
      }
      try {
        docker.removeNetworkCmd(networks.get(0).getId()).exec();
        return;
      } catch (RuntimeException stillInUse) {
        try {
          Thread.sleep(1000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
    progress.accept(
        "network " + NETWORK + " is still in use; remove it later: docker network rm " + NETWORK);
  }
}
