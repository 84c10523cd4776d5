package dev.crossfarm.cli.swarm;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Info;
import com.github.dockerjava.api.model.PushResponseItem;
import dev.crossfarm.cli.docker.Engine;
import dev.crossfarm.daemon.server.AccessList;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * How images reach every swarm node without a public registry: a private registry on the manager
 * (Debian's {@code docker-registry}, run by farm as a process of the manager's machine, its data in
 * farm's state directory), bound to the manager's swarm address on port 5000. The manager's engine
 * pushes the volunteer image there and each node pulls it when its task starts. Every engine must
 * trust that plain-HTTP registry ({@code --insecure-registry ADDRESS:5000}, or {@code
 * insecure-registries} in daemon.json); loopback is trusted by default.
 */
public final class SwarmRegistry {

  public static final int PORT = 5000;
  private static final String BINARY = "/usr/bin/docker-registry";

  private final Path stateDir;
  private final Consumer<String> progress;

  public SwarmRegistry(Path stateDir, Consumer<String> progress) {
    this.stateDir = stateDir.resolve("registry");
    this.progress = progress;
  }

  /** Starts the registry on {@code address}:5000 unless it answers there; returns host:port. */
  public String ensure(String address) throws IOException {
    String registry = address + ":" + PORT;
    if (answers(address)) {
      return registry;
    }
    if (!Files.isExecutable(Path.of(BINARY))) {
      throw new IOException(
          "no private registry to carry images to the nodes: install Debian's docker-registry"
              + " (apt-get install docker-registry) on this manager");
    }
    Files.createDirectories(stateDir.resolve("data"));
    Path config = stateDir.resolve("config.yml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "# crossfarm's private registry for the swarm's volunteer images ('farm up --swarm')",
            "version: 0.1",
            "log: {level: warn}",
            "storage:",
            "  filesystem: {rootdirectory: " + stateDir.resolve("data") + "}",
            "  delete: {enabled: true}",
            "http:",
            "  addr: " + registry,
            ""));
    Process p =
        new ProcessBuilder("setsid", BINARY, "serve", config.toString())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectOutput(
                ProcessBuilder.Redirect.appendTo(stateDir.resolve("registry.log").toFile()))
            .redirectErrorStream(true)
            .start();
    Files.writeString(stateDir.resolve("registry.pid"), p.pid() + "\n");
    for (int i = 0; i < 100 && !answers(address); i++) {
      if (!p.isAlive()) {
        throw new IOException(
            "the private registry did not start on "
                + registry
                + ": "
                + Files.readString(stateDir.resolve("registry.log")).trim());
      }
      sleep(100);
    }
    progress.accept(
        "private registry for the nodes on " + registry + " (data in " + stateDir + ")");
    return registry;
  }

  /**
   * Pushes {@code image} to the registry, with progress; returns the reference the nodes pull.
   *
   * @throws IOException when the engine does not trust the registry or the push fails
   */
  public String ship(Engine engine, String image, String registry) throws IOException {
    checkTrusted(engine.client().infoCmd().exec(), registry);
    int colon = image.lastIndexOf(':');
    String repository = registry + "/" + image.substring(0, colon);
    String tag = image.substring(colon + 1);
    engine.client().tagImageCmd(image, repository, tag).exec();
    long start = System.nanoTime();
    progress.accept("shipping " + image + " to " + registry + " for the nodes ...");
    List<String> errors = new ArrayList<>();
    try {
      engine
          .client()
          .pushImageCmd(repository)
          .withTag(tag)
          .exec(
              new ResultCallback.Adapter<PushResponseItem>() {
                private long last = System.nanoTime();

                @Override
                public void onNext(PushResponseItem item) {
                  if (item.getErrorDetail() != null) {
                    errors.add(item.getErrorDetail().getMessage());
                  }
                  if (System.nanoTime() - last > TimeUnit.SECONDS.toNanos(5)) {
                    last = System.nanoTime();
                    progress.accept(
                        "  ... "
                            + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)
                            + " s");
                  }
                }
              })
          .awaitCompletion(30, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while pushing " + image);
    } catch (RuntimeException e) {
      throw new IOException("pushing " + image + " to " + registry + " failed: " + e.getMessage());
    }
    if (!errors.isEmpty()) {
      throw new IOException("pushing " + image + " to " + registry + " failed: " + errors.get(0));
    }
    progress.accept(
        "shipped "
            + image
            + " in "
            + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)
            + " s (layers the registry had already are not sent again)");
    return repository + ":" + tag;
  }

  /** Stops the registry and removes its images; true if it ran. */
  public boolean stop() throws IOException {
    Optional<ProcessHandle> p = process();
    p.ifPresent(
        h -> {
          h.destroy();
          try {
            h.onExit().get(20, TimeUnit.SECONDS);
          } catch (Exception e) {
            h.destroyForcibly();
          }
        });
    if (Files.isDirectory(stateDir)) {
      try (var walk = Files.walk(stateDir)) {
        for (Path f : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(f);
        }
      }
    }
    return p.isPresent();
  }

  private Optional<ProcessHandle> process() {
    try {
      long pid = Long.parseLong(Files.readString(stateDir.resolve("registry.pid")).trim());
      return ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** The engine must trust the plain-HTTP registry, or its push fails with an obscure error. */
  static void checkTrusted(Info info, String registry) throws IOException {
    String host = registry.substring(0, registry.lastIndexOf(':'));
    InetAddress address = InetAddress.getByName(host);
    if (address.isLoopbackAddress()) {
      return;
    }
    List<String> cidrs =
        info.getRegistryConfig() == null
                || info.getRegistryConfig().getInsecureRegistryCIDRs() == null
            ? List.of()
            : info.getRegistryConfig().getInsecureRegistryCIDRs();
    boolean named =
        info.getRegistryConfig() != null
            && info.getRegistryConfig().getIndexConfigs() != null
            && info.getRegistryConfig().getIndexConfigs().containsKey(registry);
    if (!named && (cidrs.isEmpty() || !AccessList.parse(cidrs).permits(address))) {
      throw new IOException(
          "the engines must trust the farm's plain-HTTP registry "
              + registry
              + ": add \"insecure-registries\": [\""
              + registry
              + "\"] to /etc/docker/daemon.json on the manager and every node, and restart"
              + " dockerd (or start it with --insecure-registry "
              + registry
              + ")");
    }
  }

  private static boolean answers(String address) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(address, PORT), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
