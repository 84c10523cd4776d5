package dev.crossfarm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crossfarm.daemon.protocol.ClientWire;
import dev.crossfarm.daemon.protocol.ProtocolReader;
import dev.crossfarm.daemon.protocol.ProtocolWriter;
import dev.crossfarm.harness.Peers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code farm front} between stock distcc clients and real volunteers ({@code farm daemon}
 * processes), with the faults a farm meets: a volunteer stopped or killed mid-build, one that
 * answers garbage, none alive, the front itself restarted, and hostile clients.
 */
class FrontIT {

  @TempDir Path work;

  private final List<AutoCloseable> running = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (int i = running.size() - 1; i >= 0; i--) {
      running.get(i).close();
    }
  }

  private DaemonProcess volunteer(String name, int jobs) throws Exception {
    DaemonProcess d =
        DaemonProcess.start(
            work,
            Files.createDirectories(work.resolve("jobs-" + name)),
            "x86_64",
            "--jobs",
            Integer.toString(jobs),
            "--stats");
    running.add(d);
    return d;
  }

  /** {@code ./farm front} on a free port, with stats, and {@code volunteers} as given. */
  private Front front(int port, String... volunteers) throws Exception {
    int statsPort = Cli.freeLoopbackPort();
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Cli.FARM.toString(),
                "front",
                "--toolchain",
                "x86_64",
                "--port",
                Integer.toString(port),
                "--listen",
                "127.0.0.1",
                "--stats",
                "--stats-port",
                Integer.toString(statsPort),
                "--spool-dir",
                work.resolve("spool").toString()));
    for (String v : volunteers) {
      cmd.add("--volunteer");
      cmd.add(v);
    }
    Path log = work.resolve("front-" + port + "-" + System.nanoTime() + ".log");
    Process p =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    Front f = new Front(p, port, statsPort, log);
    running.add(f);
    for (int i = 0; i < 600; i++) {
      if (Files.readString(log).contains("allowing")) {
        return f;
      }
      if (!p.isAlive()) {
        throw new IllegalStateException("farm front exited: " + Files.readString(log));
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("farm front did not start: " + Files.readString(log));
  }

  record Front(Process process, int port, int statsPort, Path log) implements AutoCloseable {
    String hosts(String options) {
      return "127.0.0.1:" + port + "/16" + options;
    }

    /** The value of an unlabelled series on the front's /metrics, or -1 when it cannot be read. */
    double metric(String name) {
      try {
        String page =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + statsPort + "/metrics"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .body();
        return page.lines()
            .filter(l -> l.startsWith(name + " "))
            .mapToDouble(l -> Double.parseDouble(l.substring(name.length() + 1).trim()))
            .findFirst()
            .orElse(-1);
      } catch (IOException e) {
        return -1;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return -1;
      }
    }

    String logText() throws IOException {
      return Files.readString(log);
    }

    @Override
    public void close() throws Exception {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  private static String at(DaemonProcess d) {
    return "127.0.0.1:" + d.port;
  }

  private static void signal(Process p, String signal) throws Exception {
    new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor();
  }

  /** Sends {@code signal} to {@code p} three seconds from now: mid-build. */
  private static CompletableFuture<Void> signalLater(Process p, String signal) {
    return CompletableFuture.runAsync(
        () -> {
          try {
            Thread.sleep(3000);
            signal(p, signal);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
  }

  private static Peers.Run luaThrough(LuaBuild lua, Front f, Path dcc, boolean fallback)
      throws IOException {
    return lua.throughDistcc(Cli.distcc(f.hosts(",lzo"), dcc, fallback), "8");
  }

  @Test
  void aVolunteerStoppedMidBuildLosesItsJobsToTheOtherAndTheBuildIsIdentical() throws Exception {
    LuaBuild lua = LuaBuild.reference(work, "gcc -std=gnu99");
    DaemonProcess a = volunteer("a", 3);
    DaemonProcess b = volunteer("b", 3);
    Front f = front(Cli.freeLoopbackPort(), at(a), at(b));
    CompletableFuture<Void> stopper = signalLater(a.process, "STOP");
    try {
      luaThrough(lua, f, work.resolve("dcc"), false).ok("lua through the front, a stopped");
      stopper.get();
      assertEquals(List.of(), lua.differing());
      String log = f.logText();
      assertTrue(log.contains("volunteer " + at(a) + " stopped answering"), log);
    } finally {
      signal(a.process, "CONT");
    }
  }

  @Test
  void aVolunteerKilledMidBuildLosesItsJobsToTheOther() throws Exception {
    LuaBuild lua = LuaBuild.reference(work, "gcc -std=gnu99");
    DaemonProcess a = volunteer("a", 3);
    DaemonProcess b = volunteer("b", 3);
    Front f = front(Cli.freeLoopbackPort(), at(a), at(b));
    CompletableFuture<Void> killer = signalLater(a.process, "KILL");
    luaThrough(lua, f, work.resolve("dcc"), false).ok("lua through the front, a killed");
    killer.get();
    assertEquals(List.of(), lua.differing());
    assertTrue(f.logText().contains("the job goes to another"), f.logText());
  }

  @Test
  void aVolunteerThatAnswersGarbageIsDroppedAndItsJobsGoToAnother() throws Exception {
    LuaBuild lua = LuaBuild.reference(work, "gcc -std=gnu99");
    DaemonProcess b = volunteer("b", 3);
    try (GarbageVolunteer g = new GarbageVolunteer()) {
      Front f = front(Cli.freeLoopbackPort(), g.spec(), at(b));
      luaThrough(lua, f, work.resolve("dcc"), false).ok("lua through the front, g garbage");
      assertEquals(List.of(), lua.differing());
      assertTrue(g.jobs.get() >= 1, "the garbage volunteer was never tried: nothing was proven");
      String log = f.logText();
      assertTrue(log.contains("its reply broke the protocol"), log);
    }
  }

  @Test
  void withNoVolunteerAliveTheClientIsToldAndCompilesLocally() throws Exception {
    int dead = Cli.freeLoopbackPort();
    Front f = front(Cli.freeLoopbackPort(), "127.0.0.1:" + dead);
    Files.writeString(work.resolve("t.c"), "int t(int x){return x+1;}\n");
    Peers.Run refused =
        Cli.run(
            work,
            Cli.distcc(f.hosts(",lzo"), work.resolve("dcc"), false),
            60,
            List.of("distcc", "gcc", "-c", "t.c", "-o", "t.o"));
    assertNotEquals(0, refused.exit());
    assertTrue(refused.err().contains("no volunteer of the farm is alive"), refused.err());
    Peers.Run local =
        Cli.run(
            work,
            Cli.distcc(f.hosts(",lzo"), work.resolve("dcc2"), true),
            60,
            List.of("distcc", "gcc", "-c", "t.c", "-o", "t.o"));
    local.ok("a client with fallback compiles locally");
    assertTrue(Files.size(work.resolve("t.o")) > 0);
  }

  @Test
  void aFrontRestartedMidBuildCostsOnlyItsJobsInFlight() throws Exception {
    LuaBuild lua = LuaBuild.reference(work, "gcc -std=gnu99");
    DaemonProcess a = volunteer("a", 3);
    int port = Cli.freeLoopbackPort();
    Front first = front(port, at(a));
    CompletableFuture<Peers.Run> build =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return luaThrough(lua, first, work.resolve("dcc"), true);
              } catch (IOException e) {
                throw new IllegalStateException(e);
              }
            });
    Thread.sleep(3000);
    signal(first.process(), "KILL");
    first.process().waitFor();
    Front second = front(port, at(a));
    build.get(900, TimeUnit.SECONDS).ok("lua while its front restarted");
    assertEquals(List.of(), lua.differing());
    // the front serves again
    Files.writeString(work.resolve("t.c"), "int t(int x){return x+1;}\n");
    Cli.run(
            work,
            Cli.distcc(second.hosts(",lzo"), work.resolve("dcc3"), false),
            60,
            List.of("distcc", "gcc", "-c", "t.c", "-o", "t.o"))
        .ok("a job through the restarted front");
  }

  /** Wire requests a hostile client sends, each answered alike by a volunteer and the front. */
  private static List<byte[]> hostileRequests() throws IOException {
    List<byte[]> wires = new ArrayList<>();
    wires.add("DIST00000002ARGCffffffff".getBytes(StandardCharsets.US_ASCII));
    wires.add("DIST00000002ARGC00000001ARGV7fffffff".getBytes(StandardCharsets.US_ASCII));
    wires.add("DIST00000009".getBytes(StandardCharsets.US_ASCII));
    List<String> argv = List.of("gcc", "-c", "x.c", "-o", "x.o");
    ByteArrayOutputStream corrupt = new ByteArrayOutputStream();
    ProtocolWriter w = new ProtocolWriter(corrupt);
    w.writeToken("DIST", 2);
    w.writeToken("ARGC", argv.size());
    for (String a : argv) {
      w.writeString("ARGV", a);
    }
    byte[] notLzo = HexFormat.of().parseHex("ff00ff00ff00ff00ff00ff00ff00ff00");
    w.writeToken("DOTI", notLzo.length);
    w.writeRaw(notLzo);
    w.flush();
    wires.add(corrupt.toByteArray());
    wires.add(plain(List.of("gcc", "-wrapper", "/bin/sh", "-c", "x.c", "-o", "x.o")));
    wires.add(plain(List.of("sh", "-c", "x.c", "-o", "x.o")));
    // compiled (the volunteer names the output itself), and nothing lands outside the job
    wires.add(plain(List.of("gcc", "-c", "x.c", "-o", "../../x.o")));
    wires.add(plain(List.of("gcc", "@/etc/passwd", "-c", "x.c", "-o", "x.o")));
    ByteArrayOutputStream pump = new ByteArrayOutputStream();
    ClientWire.writePump(
        new ProtocolWriter(pump),
        "/home/u",
        List.of("gcc", "-c", "x.c", "-o", "x.o"),
        List.of(
            ClientWire.FileEntry.file("/home/u/x.c", "int x;\n".getBytes(StandardCharsets.UTF_8)),
            ClientWire.FileEntry.link("/home/u/evil.h", "../../../../../etc/passwd")));
    wires.add(pump.toByteArray());
    return wires;
  }

  private static byte[] plain(List<String> argv) throws IOException {
    return plain(argv, "int x;\n");
  }

  private static byte[] plain(List<String> argv, String source) throws IOException {
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    ClientWire.writePlain(
        new ProtocolWriter(wire), 1, argv, source.getBytes(StandardCharsets.UTF_8));
    return wire.toByteArray();
  }

  /** The reply's exit code and message without its sender's name, or "closed" when none came. */
  private static String outcome(int port, byte[] wire) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(60_000);
      s.getOutputStream().write(wire);
      s.getOutputStream().flush();
      ClientWire.Reply r = ClientWire.readReply(new ProtocolReader(s.getInputStream()), 1 << 24);
      return r.exitCode()
          + " "
          + r.stderrText().replaceFirst("^crossfarm (volunteer|front) \\(x86_64\\): ", "").trim();
    } catch (IOException closed) {
      return "closed";
    }
  }

  @Test
  void hostileClientsGetWhatTheVolunteerGivesThemAndTheFrontGoesOn() throws Exception {
    DaemonProcess a = volunteer("a", 2);
    Front f = front(Cli.freeLoopbackPort(), at(a));
    List<Socket> stalled = new ArrayList<>();
    try {
      for (int i = 0; i < 40; i++) {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", f.port()));
        stalled.add(s);
      }
      for (byte[] wire : hostileRequests()) {
        String direct = outcome(a.port, wire);
        String through = outcome(f.port(), wire);
        String what = new String(wire, 0, Math.min(wire.length, 60), StandardCharsets.ISO_8859_1);
        assertEquals(direct, through, "the front and the volunteer differ on " + what);
      }
      Files.writeString(work.resolve("t.c"), "int t(int x){return x+1;}\n");
      Cli.run(
              work,
              Cli.distcc(f.hosts(",lzo"), work.resolve("dcc"), false),
              60,
              List.of("distcc", "gcc", "-c", "t.c", "-o", "t.o"))
          .ok("a good job beside 40 stalled clients and the hostile ones");
      Cli.run(work, "gcc", "-c", "t.c", "-o", "local.o").ok("local compile");
      assertEquals(
          -1L, Files.mismatch(work.resolve("t.o"), work.resolve("local.o")), "object differs");
      assertTrue(f.process().isAlive());
    } finally {
      for (Socket s : stalled) {
        s.close();
      }
    }
  }

  /** A job that compiles for a minute or more with -O2: time enough to act while it runs. */
  private static byte[] heavyJob() throws IOException {
    StringBuilder heavy = new StringBuilder();
    for (int i = 0; i < 15_000; i++) {
      heavy.append("int f").append(i).append("(int*a,int n){int s=0;for(int i=0;i<n;i++)s+=a[i]*");
      heavy.append(i).append("+(s>>3);return s;}\n");
    }
    return plain(List.of("gcc", "-O2", "-c", "heavy.c", "-o", "heavy.o"), heavy.toString());
  }

  /** A client whose heavy job compiles on {@code v} now, through the front: close it to leave. */
  private static Socket heavyClient(Front f, DaemonProcess v) throws Exception {
    Socket s = new Socket("127.0.0.1", f.port());
    s.getOutputStream().write(heavyJob());
    s.getOutputStream().flush();
    waitFor(() -> !v.jobProcesses().isEmpty(), "the compile to start on the volunteer");
    return s;
  }

  private static void waitForLog(Front f, String text) throws InterruptedException {
    waitFor(
        () -> {
          try {
            return f.logText().contains(text);
          } catch (IOException e) {
            return false;
          }
        },
        "the front to log '" + text + "'");
  }

  @Test
  void aClientThatGoesAwayMidCompileHasItsCompilerStoppedOnTheVolunteer() throws Exception {
    DaemonProcess a = volunteer("a", 2);
    Front f = front(Cli.freeLoopbackPort(), at(a));
    heavyClient(f, a).close();
    waitFor(() -> a.jobProcesses().isEmpty(), "the volunteer to stop the compile");
    waitForLog(f, "the client went away; its job on");
  }

  @Test
  void aClientThatGoesAwayWhileItsJobWaitsCostsNoCompile() throws Exception {
    DaemonProcess a = volunteer("a", 1);
    Front f = front(Cli.freeLoopbackPort(), at(a));
    try (Socket busy = heavyClient(f, a)) {
      try (Socket s = new Socket("127.0.0.1", f.port())) {
        s.getOutputStream()
            .write(
                plain(
                    List.of("gcc", "-c", "waits.c", "-o", "waits.o"), "int w(void){return 1;}\n"));
        s.getOutputStream().flush();
        waitFor(
            () -> f.metric("crossfarm_front_queue_length") == 1, "the job to wait in the queue");
      }
      waitForLog(f, "the client went away while its job waited");
      assertEquals(0, f.metric("crossfarm_front_queue_length"));
    }
    waitFor(() -> a.jobProcesses().isEmpty(), "the volunteer to stop the heavy compile");
    assertFalse(
        Files.readString(a.log).contains("waits.c"), "the volunteer never saw the job: " + a.log);
  }

  private static void waitFor(java.util.function.BooleanSupplier c, String what)
      throws InterruptedException {
    for (int i = 0; i < 600; i++) {
      if (c.getAsBoolean()) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("timed out waiting for " + what);
  }

  @Test
  void aPumpJobPassesThroughTheFront() throws Exception {
    DaemonProcess a = volunteer("a", 2);
    Front f = front(Cli.freeLoopbackPort(), at(a));
    Path dir = Files.createDirectories(work.resolve("pump"));
    Files.writeString(dir.resolve("p.h"), "#define N 42\n");
    Files.writeString(dir.resolve("p.c"), "#include \"p.h\"\nint p(void){return N;}\n");
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    ClientWire.writePump(
        new ProtocolWriter(wire),
        dir.toString(),
        List.of("gcc", "-O2", "-c", "p.c", "-o", "p.o"),
        List.of(
            ClientWire.FileEntry.file(
                dir.resolve("p.c").toString(), Files.readAllBytes(dir.resolve("p.c"))),
            ClientWire.FileEntry.file(
                dir.resolve("p.h").toString(), Files.readAllBytes(dir.resolve("p.h")))));
    try (Socket s = new Socket("127.0.0.1", f.port())) {
      s.setSoTimeout(60_000);
      s.getOutputStream().write(wire.toByteArray());
      ClientWire.Reply r = ClientWire.readReply(new ProtocolReader(s.getInputStream()), 1 << 24);
      assertEquals(0, r.exitCode(), r.stderrText());
      Cli.run(dir, "gcc", "-O2", "-c", "p.c", "-o", "local.o").ok("local compile");
      assertEquals(
          -1,
          java.util.Arrays.mismatch(r.object(), Files.readAllBytes(dir.resolve("local.o"))),
          "the pump object differs from a local compile");
    }
  }

  /**
   * A volunteer whose stats page looks fine (8 free slots, so it draws jobs) and whose compile port
   * answers every job with a broken reply.
   */
  private static final class GarbageVolunteer implements AutoCloseable {
    final ServerSocket compile = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
    final ServerSocket stats = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
    final AtomicInteger jobs = new AtomicInteger();

    GarbageVolunteer() throws IOException {
      serve(
          compile,
          s -> {
            jobs.incrementAndGet();
            s.getInputStream().readNBytes(12);
            s.getOutputStream()
                .write("DONE00000002STAT00000000SERRzzzzzzzz".getBytes(StandardCharsets.US_ASCII));
          });
      serve(stats, s -> StatusPageStub.answer(s, 8));
    }

    interface Answer {
      void to(Socket s) throws IOException;
    }

    private static void serve(ServerSocket server, Answer answer) {
      Thread t =
          new Thread(
              () -> {
                while (!server.isClosed()) {
                  try (Socket s = server.accept()) {
                    s.setSoTimeout(5000);
                    answer.to(s);
                  } catch (IOException e) {
                    // the next connection
                  }
                }
              });
      t.setDaemon(true);
      t.start();
    }

    String spec() {
      return "127.0.0.1:" + compile.getLocalPort() + "/" + stats.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      compile.close();
      stats.close();
    }
  }
}
