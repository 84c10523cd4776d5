package dev.crossfarm.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A real OpenSSH server (Debian's openssh-server) on a free loopback port, with keys made for the
 * test, and the {@code DISTCC_SSH} command that reaches it through one reused master connection.
 */
final class Sshd implements AutoCloseable {

  final int port;
  private final Path dir;
  private final Process process;

  private Sshd(Path dir, int port, Process process) {
    this.dir = dir;
    this.port = port;
    this.process = process;
  }

  static Sshd start(Path dir) throws Exception {
    Files.createDirectories(dir);
    Files.createDirectories(Path.of("/run/sshd")); // sshd's privilege-separation directory
    for (String key : List.of("host_key", "client_key")) {
      Cli.run(dir, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key).ok("ssh-keygen");
    }
    Files.copy(dir.resolve("client_key.pub"), dir.resolve("authorized_keys"));
    int port = Cli.freeLoopbackPort();
    Files.writeString(
        dir.resolve("sshd_config"),
        String.join(
            "\n",
            "Port " + port,
            "ListenAddress 127.0.0.1",
            "HostKey " + dir.resolve("host_key"),
            "PidFile " + dir.resolve("sshd.pid"),
            "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
            "StrictModes no",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "UsePAM no",
            "PermitRootLogin prohibit-password",
            // the login shell (bash) then skips ~/.bashrc: the job's time is the volunteer's
            "SetEnv SHLVL=1",
            ""));
    Files.writeString(
        dir.resolve("known_hosts"),
        "[127.0.0.1]:"
            + port
            + " "
            + String.join(
                " ",
                List.of(Files.readString(dir.resolve("host_key.pub")).trim().split(" "))
                    .subList(0, 2))
            + "\n");
    Process p =
        new ProcessBuilder(
                "/usr/sbin/sshd",
                "-D",
                "-f",
                dir.resolve("sshd_config").toString(),
                "-E",
                dir.resolve("sshd.log").toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("sshd.out").toFile())
            .start();
    Sshd sshd = new Sshd(dir, port, p);
    if (!Cli.awaitPort(port, p)) {
      sshd.close();
      throw new IllegalStateException(
          "sshd did not listen on " + port + ": " + Files.readString(dir.resolve("sshd.log")));
    }
    return sshd;
  }

  /**
   * DISTCC_SSH for this server, sharing one master connection (ControlMaster) between jobs. The
   * options live in a config file: the stock client keeps only the first 12 words of DISTCC_SSH and
   * would drop the master connection's options silently.
   */
  String distccSsh() throws IOException {
    Path config = dir.resolve("ssh_config");
    Files.writeString(
        config,
        String.join(
            "\n",
            "Host 127.0.0.1",
            "  Port " + port,
            "  IdentityFile " + dir.resolve("client_key"),
            "  BatchMode yes",
            "  IdentitiesOnly yes",
            "  UserKnownHostsFile " + dir.resolve("known_hosts"),
            "  StrictHostKeyChecking yes",
            "  ControlMaster auto",
            "  ControlPath " + dir.resolve("cm.sock"),
            "  ControlPersist 60",
            ""));
    return "ssh -F " + config;
  }

  /** A stock client's environment that reaches volunteers through this server. */
  Map<String, String> clientEnv(String hosts, Path distccDir) throws IOException {
    Map<String, String> env = new HashMap<>(Cli.distcc(hosts, distccDir, false));
    env.put("DISTCC_SSH", distccSsh());
    // stock's own backoff: a refusing host is dropped after one try instead of retried forever
    env.remove("DISTCC_BACKOFF_PERIOD");
    return env;
  }

  @Override
  public void close() {
    Cli.run(
        dir,
        Map.of(),
        10,
        List.of(
            "ssh",
            "-F",
            "/dev/null",
            "-o",
            "ControlPath=" + dir.resolve("cm.sock"),
            "-O",
            "exit",
            "127.0.0.1"));
    process.destroy();
  }
}
