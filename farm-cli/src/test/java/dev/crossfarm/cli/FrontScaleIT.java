package dev.crossfarm.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crossfarm.daemon.protocol.ClientWire;
import dev.crossfarm.daemon.protocol.ProtocolReader;
import dev.crossfarm.daemon.protocol.ProtocolWriter;
import dev.crossfarm.daemon.protocol.ReplyWriter;
import dev.crossfarm.daemon.protocol.RequestLimits;
import dev.crossfarm.daemon.protocol.RequestReader;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A larger farm than this machine has, to know what the front costs per job: 16 lightweight
 * in-process volunteers that speak the protocol (2 slots each, a fixed object per job) and 32
 * clients sending tiny jobs at once through one {@code farm front} process. Every reply must be the
 * volunteer's; the front's peak RSS must stay within 150 MB; its CPU time per job is reported in
 * target/front-scale.txt (bench/RESULTS.md quotes it), not asserted.
 */
class FrontScaleIT {

  private static final int VOLUNTEERS = 16;
  private static final int CLIENTS = 32;
  private static final int JOBS_PER_CLIENT = 60;
  private static final byte[] OBJECT = "\177ELF a tiny object".getBytes(StandardCharsets.US_ASCII);

  @TempDir Path work;

  @Test
  void sixteenVolunteersAndThirtyTwoClientsThroughOneFront() throws Exception {
    List<TinyVolunteer> volunteers = new ArrayList<>();
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Cli.FARM.toString(),
                "front",
                "--toolchain",
                "x86_64",
                "--listen",
                "127.0.0.1",
                "--port",
                Integer.toString(Cli.freeLoopbackPort())));
    int port = Integer.parseInt(cmd.get(cmd.size() - 1));
    for (int i = 0; i < VOLUNTEERS; i++) {
      TinyVolunteer v = new TinyVolunteer();
      volunteers.add(v);
      cmd.add("--volunteer");
      cmd.add(v.spec());
    }
    Path log = work.resolve("front.log");
    Process front =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
    try {
      for (int i = 0; i < 600 && !Files.readString(log).contains("allowing"); i++) {
        Thread.sleep(100);
      }
      assertTrue(Files.readString(log).contains("allowing"), Files.readString(log));
      send(port, request(-1)); // the JIT's first steps are not the cost per job
      long cpuBefore = cpuMillis(front.pid());
      long start = System.nanoTime();
      List<Future<Integer>> done = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        int client = c;
        done.add(
            clients.submit(
                () -> {
                  int ok = 0;
                  for (int j = 0; j < JOBS_PER_CLIENT; j++) {
                    // every source differs, as in a real build: no job follows another's result
                    ClientWire.Reply r = send(port, request(client * JOBS_PER_CLIENT + j));
                    assertEquals(0, r.status());
                    assertArrayEquals(OBJECT, r.object());
                    ok++;
                  }
                  return ok;
                }));
      }
      int jobs = 0;
      for (Future<Integer> f : done) {
        jobs += f.get(600, TimeUnit.SECONDS);
      }
      long wallMillis = (System.nanoTime() - start) / 1_000_000;
      long cpu = cpuMillis(front.pid()) - cpuBefore;
      long rssKb = peakRssKb(front.pid());
      int used = 0;
      for (TinyVolunteer v : volunteers) {
        used += v.jobs.get(0) > 0 ? 1 : 0;
      }
      String report =
          String.format(
              Locale.ROOT,
              "front scale: %d volunteers x 2 slots, %d clients, %d jobs in %d ms:"
                  + " %.3f ms of front CPU per job, peak RSS %d MB, %d volunteers used%n",
              VOLUNTEERS,
              CLIENTS,
              jobs,
              wallMillis,
              (double) cpu / jobs,
              rssKb / 1024,
              used);
      System.out.print(report);
      Files.writeString(Path.of("target", "front-scale.txt"), report);
      assertEquals(CLIENTS * JOBS_PER_CLIENT, jobs);
      assertEquals(VOLUNTEERS, used, "placement left volunteers idle under 32 clients");
      assertTrue(rssKb <= 150 * 1024, "the front's peak RSS is " + rssKb / 1024 + " MB");
    } finally {
      clients.shutdownNow();
      front.destroy();
      front.waitFor(30, TimeUnit.SECONDS);
      for (TinyVolunteer v : volunteers) {
        v.close();
      }
    }
  }

  private static byte[] request(int n) throws IOException {
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    ClientWire.writePlain(
        new ProtocolWriter(wire),
        2,
        List.of("gcc", "-O2", "-c", "t.c", "-o", "t.o"),
        ("int t(int x){return x+" + n + ";}\n").getBytes(StandardCharsets.UTF_8));
    return wire.toByteArray();
  }

  private static ClientWire.Reply send(int port, byte[] request) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(120_000);
      s.getOutputStream().write(request);
      s.getOutputStream().flush();
      return ClientWire.readReply(new ProtocolReader(s.getInputStream()), 1 << 20);
    }
  }

  /** utime + stime of the process, in ms (USER_HZ 100). */
  private static long cpuMillis(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10;
  }

  private static long peakRssKb(long pid) throws IOException {
    for (String l : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (l.startsWith("VmHWM:")) {
        return Long.parseLong(l.replaceAll("\\D", ""));
      }
    }
    return -1;
  }

  /**
   * A volunteer that reads each request with the real reader and answers a fixed object at once;
   * its stats page says 2 slots. Real compiles would measure the compiler, not the front.
   */
  private static final class TinyVolunteer implements AutoCloseable {
    final ServerSocket compile = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
    final ServerSocket stats = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
    final AtomicLongArray jobs = new AtomicLongArray(1);
    final ExecutorService pool = Executors.newCachedThreadPool();

    TinyVolunteer() throws IOException {
      accept(compile, this::compile);
      accept(stats, s -> StatusPageStub.answer(s, 2));
    }

    interface Handler {
      void handle(Socket s) throws IOException;
    }

    private void accept(ServerSocket server, Handler h) {
      pool.execute(
          () -> {
            while (!server.isClosed()) {
              try {
                Socket s = server.accept();
                pool.execute(
                    () -> {
                      try (s) {
                        s.setSoTimeout(10_000);
                        h.handle(s);
                      } catch (IOException e) {
                        // the front went away
                      }
                    });
              } catch (IOException closed) {
                return;
              }
            }
          });
    }

    private void compile(Socket s) throws IOException {
      RequestReader r =
          new RequestReader(new ProtocolReader(s.getInputStream()), RequestLimits.DEFAULT);
      int version = r.readVersion();
      r.readArguments();
      r.readSource(OutputStream.nullOutputStream());
      jobs.incrementAndGet(0);
      OutputStream out = new BufferedOutputStream(s.getOutputStream());
      new ReplyWriter(new ProtocolWriter(out))
          .writeCached(version, new byte[0], new byte[0], OBJECT);
    }

    String spec() {
      return "127.0.0.1:" + compile.getLocalPort() + "/" + stats.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      compile.close();
      stats.close();
      pool.shutdownNow();
    }
  }
}
