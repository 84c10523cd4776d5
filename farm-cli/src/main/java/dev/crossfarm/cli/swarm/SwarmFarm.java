package dev.crossfarm.cli.swarm;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.EndpointSpec;
import com.github.dockerjava.api.model.LocalNodeState;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.api.model.PortConfig;
import com.github.dockerjava.api.model.PortConfigProtocol;
import com.github.dockerjava.api.model.ResourceRequirements;
import com.github.dockerjava.api.model.ResourceSpecs;
import com.github.dockerjava.api.model.Service;
import com.github.dockerjava.api.model.ServiceGlobalModeOptions;
import com.github.dockerjava.api.model.ServiceModeConfig;
import com.github.dockerjava.api.model.ServicePlacement;
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
import dev.crossfarm.cli.docker.DockerFarm;
import dev.crossfarm.cli.docker.Engine;
import dev.crossfarm.cli.docker.Labels;
import dev.crossfarm.cli.farm.Volunteer;
import dev.crossfarm.cli.farm.VolunteerSpec;
import dev.crossfarm.toolchain.Toolchain;
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
   * Creates or updates {@code spec}'s global service to run {@code image}; an update rolls through
   * the nodes one at a time (stop first: the host port is the node's).
   */
  public Change up(VolunteerSpec spec, String image) {
    DockerClient docker = engine.client();
    String name = DockerFarm.containerName(spec.target());
    String digest = spec.digest(image);
    ServiceSpec wanted = serviceSpec(spec, image, name, digest);
    Service existing = find(name);
    if (existing == null) {
      docker.createServiceCmd(wanted).exec();
      return Change.CREATED;
    }
    if (digest.equals(existing.getSpec().getLabels().get(Labels.SPEC))) {
      return Change.UNCHANGED;
    }
    progress.accept(name + ": settings or image changed; rolling the update through the nodes");
    docker
        .updateServiceCmd(existing.getId(), wanted)
        .withVersion(existing.getVersion().getIndex())
        .exec();
    return Change.UPDATED;
  }

  private ServiceSpec serviceSpec(VolunteerSpec spec, String image, String name, String digest) {
    int port = spec.toolchain().port();
    Map<String, String> labels = new HashMap<>();
    labels.put(Labels.FARM, SWARM);
    labels.put(Labels.TARGET, spec.target());
    labels.put(Labels.SPEC, digest);
    labels.put(Labels.AUTH, Boolean.toString(spec.auth() != null));
    List<Mount> mounts = new ArrayList<>();
    mounts.add(
        new Mount()
            .withType(MountType.TMPFS)
            .withTarget("/tmp")
            .withTmpfsOptions(new TmpfsOptions().withSizeBytes(2L << 30).withMode(01777)));
    if (spec.auth() != null) {
      // each node's own copy of the files, at the paths farm.yaml gives
      mounts.add(bind(spec.auth().keytab(), VolunteerSpec.KEYTAB_IN_CONTAINER));
      mounts.add(bind(spec.auth().krb5Conf(), VolunteerSpec.KRB5_CONF_IN_CONTAINER));
      String list =
          spec.auth().whitelist() != null ? spec.auth().whitelist() : spec.auth().blacklist();
      if (list != null) {
        mounts.add(bind(list, VolunteerSpec.PRINCIPALS_IN_CONTAINER));
      }
    }
    var container =
        new com.github.dockerjava.api.model.ContainerSpec()
            .withImage(image)
            .withArgs(spec.containerArguments(port, "/tmp"))
            .withEnv(
                spec.environment(VolunteerSpec.KRB5_CONF_IN_CONTAINER).entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue())
                    .sorted()
                    .toList())
            .withInit(true)
            .withReadOnly(true)
            .withMounts(mounts)
            // no engine health check here: swarm holds a task in "starting" until the first
            // check passes (a minute at the containers' interval; 20.10 has no start interval),
            // which would also stall every rolling update. A daemon that exits is restarted
            // (condition any); farm status and top probe every node with a real compile.
            .withLabels(Map.of(Labels.FARM, SWARM, Labels.TARGET, spec.target()));
    ResourceSpecs limits = new ResourceSpecs();
    if (spec.memoryBytes() != null) {
      limits.withMemoryBytes(spec.memoryBytes());
    }
    if (spec.cpus() != null) {
      limits.withNanoCPUs((long) (spec.cpus() * 1e9));
    }
    TaskSpec task =
        new TaskSpec()
            .withContainerSpec(container)
            .withPlacement(
                new ServicePlacement()
                    .withConstraints(List.of(NodeTargets.constraint(spec.target()))))
            .withRestartPolicy(
                new ServiceRestartPolicy().withCondition(ServiceRestartCondition.ANY))
            .withResources(new ResourceRequirements().withLimits(limits));
    return new ServiceSpec()
        .withName(name)
        .withLabels(labels)
        .withMode(new ServiceModeConfig().withGlobal(new ServiceGlobalModeOptions()))
        .withTaskTemplate(task)
        .withUpdateConfig(
            new UpdateConfig().withParallelism(1L).withFailureAction(UpdateFailureAction.PAUSE))
        .withEndpointSpec(
            new EndpointSpec()
                .withPorts(
                    List.of(hostPort(port, spec.port()), hostPort(port + 1000, spec.statsPort()))));
  }

  private static Mount bind(String source, String target) {
    return new Mount()
        .withType(MountType.BIND)
        .withSource(source)
        .withTarget(target)
        .withReadOnly(true);
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
      for (Task t :
          engine
              .client()
              .listTasksCmd()
              .withServiceFilter(s.getId())
              .withStateFilter(TaskState.RUNNING)
              .exec()) {
        SwarmNode node = nodes.get(t.getNodeId());
        if (node == null) {
          continue;
        }
        String address = node.getStatus().getAddress();
        int cores =
            node.getDescription().getResources() == null
                ? 1
                : (int) (node.getDescription().getResources().getNanoCPUs() / 1_000_000_000L);
        all.add(
            new Volunteer(
                target,
                "swarm",
                node.getDescription().getHostname(),
                container.getImage(),
                version,
                address,
                port,
                statsPort,
                jobs > 0 ? jobs : Math.max(1, cores),
                // STARTING: up, its health check not yet run (farm's own probe tells)
                t.getStatus().getState() == TaskState.RUNNING
                        || t.getStatus().getState() == TaskState.STARTING
                    ? "running"
                    : t.getStatus().getState().name().toLowerCase(Locale.ROOT),
                auth,
                false));
      }
    }
    all.sort(Comparator.comparing(Volunteer::target).thenComparing(Volunteer::id));
    return all;
  }

  private String compilerVersion(String image) {
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
    return services.size();
  }
}
