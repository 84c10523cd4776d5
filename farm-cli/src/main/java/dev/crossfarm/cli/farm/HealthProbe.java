package dev.crossfarm.cli.farm;

import dev.crossfarm.daemon.job.JobRefusedException;
import dev.crossfarm.daemon.job.ObjectCheck;
import dev.crossfarm.daemon.protocol.ClientWire;
import dev.crossfarm.daemon.protocol.ProtocolReader;
import dev.crossfarm.daemon.protocol.ProtocolWriter;
import dev.crossfarm.toolchain.Toolchain;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Is a volunteer really serving? Sends it a real compile job (plain {@code gcc}, protocol 2, as a
 * client of its target would) and checks that the object comes back for the target's machine: an
 * open port is not enough.
 */
public final class HealthProbe {

  private static final String SOURCE = "int crossfarm_probe(int x) { return x * 7; }\n";

  private HealthProbe() {}

  /** What the probe found; {@code problem} is null when healthy. */
  public record Result(boolean healthy, String problem, long millis) {}

  public static Result probe(String host, int port, Toolchain toolchain, Duration timeout) {
    long start = System.nanoTime();
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
      s.setSoTimeout((int) timeout.toMillis());
      ClientWire.writePlain(
          new ProtocolWriter(new BufferedOutputStream(s.getOutputStream())),
          2,
          List.of("gcc", "-O2", "-c", "crossfarm_probe.c", "-o", "crossfarm_probe.o"),
          SOURCE.getBytes(StandardCharsets.US_ASCII));
      ClientWire.Reply reply =
          ClientWire.readReply(new ProtocolReader(s.getInputStream()), 64L << 20);
      int status = reply.status();
      String err = reply.stderrText().trim();
      byte[] object = reply.object();
      if (status != 0) {
        return new Result(
            false, "a test compile failed (status " + status + "): " + err, elapsed(start));
      }
      Path tmp = Files.createTempFile("crossfarm-probe", ".o");
      try {
        Files.write(tmp, object);
        new ObjectCheck(toolchain.elf()).verify(tmp);
      } finally {
        Files.deleteIfExists(tmp);
      }
      return new Result(true, null, elapsed(start));
    } catch (JobRefusedException e) {
      return new Result(false, e.getMessage(), elapsed(start));
    } catch (IOException e) {
      return new Result(
          false, "no answer on " + host + ":" + port + " (" + e.getMessage() + ")", elapsed(start));
    }
  }

  /**
   * A volunteer with {@code --auth} compiles only for a Kerberos principal, which a probe is not:
   * it checks that the volunteer answers the login's handshake ({@code *} echoed), no more.
   */
  public static Result probeLogin(String host, int port, Duration timeout) {
    long start = System.nanoTime();
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
      s.setSoTimeout((int) timeout.toMillis());
      s.getOutputStream().write('*');
      s.getOutputStream().flush();
      int echo = s.getInputStream().read();
      return echo == '*'
          ? new Result(true, null, elapsed(start))
          : new Result(false, "no --auth handshake from " + host + ":" + port, elapsed(start));
    } catch (IOException e) {
      return new Result(
          false, "no answer on " + host + ":" + port + " (" + e.getMessage() + ")", elapsed(start));
    }
  }

  /** Probes until healthy or {@code patience} has passed; returns the last result. */
  public static Result await(
      String host, int port, Toolchain toolchain, boolean auth, Duration patience) {
    long deadline = System.nanoTime() + patience.toNanos();
    Result last;
    do {
      last =
          auth
              ? probeLogin(host, port, Duration.ofSeconds(20))
              : probe(host, port, toolchain, Duration.ofSeconds(20));
      if (last.healthy()) {
        return last;
      }
      try {
        Thread.sleep(300);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return last;
      }
    } while (System.nanoTime() < deadline);
    return last;
  }

  private static long elapsed(long start) {
    return (System.nanoTime() - start) / 1_000_000;
  }
}
