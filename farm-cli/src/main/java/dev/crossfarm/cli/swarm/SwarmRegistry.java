package dev.crossfarm.cli.swarm;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Info;
import com.github.dockerjava.api.model.PushResponseItem;
import dev.crossfarm.cli.docker.Engine;
import dev.crossfarm.daemon.server.AccessList;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * How images reach every swarm node without a public registry: Debian's {@code docker-registry},
 * run by farm as two processes of the manager's machine over one store in farm's state directory
 * (mode 0700).
 *
 * <ul>
 *   <li>The <b>writer</b> listens on the manager's loopback, port {@value #WRITE_PORT}: only farm,
 *       on this machine, pushes there (the engine trusts loopback registries by default).
 *   <li>The <b>reader</b> listens on the manager's swarm address, port {@value #READ_PORT}, in
 *       distribution's read-only maintenance mode with deletes disabled: the nodes pull from it,
 *       and nobody on the network can upload or delete.
 * </ul>
 *
 * Services name their image by digest ({@code READER/REPO:TAG@sha256:...}), so a node runs what
 * farm pushed or nothing. Every engine must trust the plain-HTTP reader ({@code --insecure-registry
 * ADDRESS:5000}, or {@code insecure-registries} in daemon.json); loopback is trusted by default.
 */
public final class SwarmRegistry {

  /** Where the nodes pull: read-only, on the manager's swarm address. */
  public static final int READ_PORT = 5000;

  /** Where farm pushes: on the manager's loopback only. */
  public static final int WRITE_PORT = 5001;

  private static final String WRITER_ADDRESS = "127.0.0.1";
  private static final String BINARY = "/usr/bin/docker-registry";

  /** The store holds what every node runs: only farm's user may read or change it. */
  private static final Set<PosixFilePermission> OWNER_ONLY_PERMISSIONS =
      PosixFilePermissions.fromString("rwx------");

  private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
      PosixFilePermissions.asFileAttribute(OWNER_ONLY_PERMISSIONS);

  private final Path stateDir;
  private final Consumer<String> progress;

  public SwarmRegistry(Path stateDir, Consumer<String> progress) {
    this.stateDir = stateDir.resolve("registry");
    this.progress = progress;
  }

  /**
   * Starts the writer on loopback and the reader on {@code address} unless they answer already;
   * returns the reader's host:port, the name services pull from.
   *
   * @throws IOException when the registry cannot start, or when what answers on the reader's
   *     address accepts anonymous uploads (a registry that is not farm's read-only one)
   */
  public String ensure(String address) throws IOException {
    if (!Files.isExecutable(Path.of(BINARY))) {
      throw new IOException(
          "no private registry to carry images to the nodes: install Debian's docker-registry"
              + " (apt-get install docker-registry) on this manager");
    }
    Path data = stateDir.resolve("data");
    Files.createDirectories(stateDir, OWNER_ONLY);
    Files.setPosixFilePermissions(stateDir, OWNER_ONLY_PERMISSIONS);
    Files.createDirectories(data);
    start("writer", WRITER_ADDRESS, WRITE_PORT, false);
    start("reader", address, READ_PORT, true);
    String reader = address + ":" + READ_PORT;
    if (acceptsUploads(reader)) {
      throw new IOException(
          "the registry on "
              + reader
              + " accepts anonymous uploads, so anyone who reaches it could replace what the nodes"
              + " run: it is not farm's read-only registry. Stop it (an older farm's: farm down"
              + " --swarm) and run farm up again");
    }
    return reader;
  }

  /** One instance over the shared store, unless something answers on its address already. */
  private void start(String role, String address, int port, boolean readOnly) throws IOException {
    if (answers(address, port)) {
      return;
    }
    Path config = stateDir.resolve(role + ".yml");
    Files.writeString(config, config(stateDir.resolve("data"), address + ":" + port, readOnly));
    Path log = stateDir.resolve(role + ".log");
    Process p =
        new ProcessBuilder("setsid", BINARY, "serve", config.toString())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .redirectErrorStream(true)
            .start();
    Files.writeString(stateDir.resolve(role + ".pid"), p.pid() + "\n");
    for (int i = 0; i < 100 && !answers(address, port); i++) {
      if (!p.isAlive()) {
        throw new IOException(
            "the registry's "
                + role
                + " did not start on "
                + address
                + ":"
                + port
                + ": "
                + Files.readString(log).trim());
      }
      sleep(100);
    }
    progress.accept(
        readOnly
            ? "private registry for the nodes on "
                + address
                + ":"
                + port
                + " (read-only; data in "
                + stateDir
                + ")"
            : "registry farm pushes to on " + address + ":" + port + " (this machine only)");
  }

  /**
   * distribution's configuration: the shared filesystem store, deletes disabled, and for the reader
   * the read-only maintenance mode (uploads refused with 405).
   */
  static String config(Path data, String listen, boolean readOnly) {
    return String.join(
        "\n",
        "# crossfarm's private registry for the swarm's volunteer images ('farm up --swarm'):",
        readOnly
            ? "# the read-only instance the nodes pull from"
            : "# the instance only farm pushes to, on loopback",
        "version: 0.1",
        "log: {level: warn}",
        "storage:",
        "  filesystem: {rootdirectory: " + data + "}",
        "  delete: {enabled: false}",
        "  maintenance:",
        "    uploadpurging: {enabled: false}",
        "    readonly: {enabled: " + readOnly + "}",
        "http:",
        "  addr: " + listen,
        "");
  }

  /**
   * Pushes {@code image} through the writer, with progress; returns the reference the nodes pull:
   * the reader's name for it, pinned to the digest farm pushed.
   *
   * @param reader the reader's host:port, from {@link #ensure}
   * @throws IOException when the engine does not trust the reader or the push fails
   */
  public String ship(Engine engine, String image, String reader) throws IOException {
    checkTrusted(engine.client().infoCmd().exec(), reader);
    int colon = image.lastIndexOf(':');
    String name = image.substring(0, colon);
    String tag = image.substring(colon + 1);
    String writer = WRITER_ADDRESS + ":" + WRITE_PORT + "/" + name;
    engine.client().tagImageCmd(image, writer, tag).exec();
    long start = System.nanoTime();
    progress.accept("shipping " + image + " to the registry for the nodes ...");
    List<String> errors = new ArrayList<>();
    String[] digest = {null};
    try {
      engine
          .client()
          .pushImageCmd(writer)
          .withTag(tag)
          .exec(
              new ResultCallback.Adapter<PushResponseItem>() {
                private long last = System.nanoTime();

                @Override
                public void onNext(PushResponseItem item) {
                  if (item.getErrorDetail() != null) {
                    errors.add(item.getErrorDetail().getMessage());
                  }
                  if (item.getAux() != null && item.getAux().getDigest() != null) {
                    digest[0] = item.getAux().getDigest();
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
      throw new IOException("pushing " + image + " to " + writer + " failed: " + e.getMessage());
    } finally {
      // the writer's name is farm's own: nothing else should find or run the image by it
      try {
        engine.client().removeImageCmd(writer + ":" + tag).withNoPrune(true).exec();
      } catch (NotFoundException alreadyGone) {
        // nothing to remove
      }
    }
    if (!errors.isEmpty()) {
      throw new IOException("pushing " + image + " to " + writer + " failed: " + errors.get(0));
    }
    if (digest[0] == null || !digest[0].matches("sha256:[0-9a-f]{64}")) {
      throw new IOException("the push of " + image + " reported no digest to pin it by");
    }
    progress.accept(
        "shipped "
            + image
            + " as "
            + digest[0].substring(0, 19)
            + "... in "
            + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)
            + " s (layers the registry had already are not sent again)");
    return reader + "/" + name + ":" + tag + "@" + digest[0];
  }

  /** Stops both instances and removes the store; true if either ran. */
  public boolean stop() throws IOException {
    boolean any = false;
    for (String role : List.of("reader", "writer")) {
      Optional<ProcessHandle> p = process(role);
      p.ifPresent(
          h -> {
            h.destroy();
            try {
              h.onExit().get(20, TimeUnit.SECONDS);
            } catch (Exception e) {
              h.destroyForcibly();
            }
          });
      any |= p.isPresent();
    }
    if (Files.isDirectory(stateDir)) {
      try (var walk = Files.walk(stateDir)) {
        for (Path f : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(f);
        }
      }
    }
    return any;
  }

  private Optional<ProcessHandle> process(String role) {
    try {
      long pid = Long.parseLong(Files.readString(stateDir.resolve(role + ".pid")).trim());
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

  private static boolean answers(String address, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(address, port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Whether the registry at host:port starts an anonymous upload (HTTP 202), as a writable one. */
  static boolean acceptsUploads(String registry) throws IOException {
    HttpRequest post =
        HttpRequest.newBuilder(
                URI.create("http://" + registry + "/v2/crossfarm/probe/blobs/uploads/"))
            .timeout(Duration.ofSeconds(10))
            .POST(HttpRequest.BodyPublishers.noBody())
            .build();
    try {
      return HttpClient.newHttpClient()
              .send(post, HttpResponse.BodyHandlers.discarding())
              .statusCode()
          == 202;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while checking the registry on " + registry);
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
