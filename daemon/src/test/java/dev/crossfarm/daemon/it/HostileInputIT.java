package dev.crossfarm.daemon.it;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crossfarm.daemon.log.JobSummary;
import dev.crossfarm.daemon.protocol.ClientWire;
import dev.crossfarm.daemon.protocol.RequestLimits;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile input gets a clear refusal and nothing else, and the volunteer keeps serving: after every
 * case a good job is compiled.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputIT {

  private Path work;
  private Volunteer volunteer;

  @BeforeAll
  void start(@TempDir Path work) throws Exception {
    this.work = work;
    volunteer =
        Volunteer.forToolchain("x86_64")
            .jobs(2)
            .ioTimeout(Duration.ofSeconds(5))
            .jobLifetime(Duration.ofSeconds(2))
            .limits(new RequestLimits(4096, 64 * 1024, 16L << 20))
            .jobsUnder(work)
            .start();
  }

  @AfterAll
  void stop() {
    volunteer.close();
  }

  @AfterEach
  void stillServesAGoodJob() throws Exception {
    for (int version : new int[] {1, 2}) {
      ClientWire.Reply reply = RawClient.goodJob(volunteer.port(), version);
      assertEquals(0, reply.status(), reply.stderrText());
      assertEquals("ELF", new String(reply.object(), 1, 3, ISO_8859_1));
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "gcc -c x.c -o x.o -wrapper /bin/sh,-c,touch${SP}OUT/wrapper-ran",
        "gcc -c x.c -o x.o -aux-info OUT/aux-info",
        "gcc -c x.c -o x.o -dumpdir OUT/",
        "gcc -c x.c -o x.o -fplugin=OUT/plugin.so",
        "gcc -c x.c -o x.o -specs=OUT/evil.specs",
        "gcc -c x.c -o x.o -B OUT/",
        "gcc -c x.c -o OUT/x.o",
        "gcc -c x.c -o x.o -MD -MF OUT/deps",
        "sh -c touch${SP}OUT/sh-ran",
        "/bin/sh -c touch${SP}OUT/sh-ran",
        "../gcc -c x.c -o x.o",
        "env touch OUT/env-ran",
        "/usr/local/bin/gcc -c x.c -o x.o",
        "/usr/bin/../bin/sh -c id"
      })
  void hostileArgumentsAreRefusedOrContainedAndNothingIsWrittenOutside(String line)
      throws Exception {
    Path outside = Files.createDirectories(work.resolve("outside-" + System.nanoTime()));
    List<String> argv = new ArrayList<>();
    for (String word : line.split(" ")) {
      argv.add(word.replace("OUT", outside.toString()).replace("${SP}", " "));
    }
    for (int version : new int[] {1, 2}) {
      ClientWire.Reply reply =
          RawClient.send(volunteer.port(), RawClient.request(version, argv, "int x;\n"));
      if (line.contains("-o OUT/x.o") || line.contains("-MF OUT")) {
        // contained: the client's path is replaced by one inside the job
        assertEquals(0, reply.status(), reply.stderrText());
      } else {
        assertNotEquals(0, reply.status());
        assertTrue(reply.stderrText().contains("refused"), reply.stderrText());
        assertEquals(0, reply.object().length);
      }
    }
    try (Stream<Path> written = Files.list(outside)) {
      assertEquals(List.of(), written.toList(), "nothing was written outside the job");
    }
  }

  @Test
  void aResponseFileNeverLeaksIntoTheReply() throws Exception {
    ClientWire.Reply reply =
        RawClient.send(
            volunteer.port(),
            RawClient.request(2, List.of("gcc", "-c", "x.c", "@/etc/passwd"), "int x;\n"));
    assertNotEquals(0, reply.status());
    assertFalse(reply.stderrText().contains("root:"), reply.stderrText());
    assertTrue(reply.stderrText().contains("refused '@/etc/passwd'"), reply.stderrText());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "HELO00000001",
        "DISTzzzzzzzz",
        "DIST00000004",
        "DIST00000000",
        "DISTffffffff",
        "DIST00000001ARGCffffffff",
        "DIST00000001ARGC00000002ARGVffffffff",
        "DIST00000002ARGC00000001ARGV00000003gccDOTIffffffff",
        "DIST00000001ARGC00000001ARGV00000003gccDOTI00000010trunc",
        "DIST00000002ARGC00000004ARGV00000003gccARGV00000002-cARGV00000003x.cARGV00000002-oDOTI00000004\u00ff\u00ff\u00ff\u00ff",
        "DIST00000001ARGC00000003ARGV00000003gccARGV00000002-cARGV00000003x.cDOTI00000005",
        "DIST00000001ARGC00000001XXXX"
      })
  void protocolGarbageIsRefusedAndTheConnectionClosed(String wire) throws Exception {
    try (Socket s = RawClient.connect(volunteer.port())) {
      OutputStream out = s.getOutputStream();
      out.write(wire.getBytes(ISO_8859_1));
      out.flush();
      s.shutdownOutput();
      // either a refusal in the client's own version, or a plain close: never a compile
      byte[] answer = s.getInputStream().readAllBytes();
      String text = new String(answer, ISO_8859_1);
      assertFalse(text.contains("STAT00000000"), text);
      if (!text.isEmpty()) {
        assertTrue(text.startsWith("DONE"), text);
      }
    }
  }

  @Test
  void randomBytesNeverCrashTheVolunteer() throws Exception {
    Random random = new Random(2026);
    for (int i = 0; i < 50; i++) {
      byte[] junk = new byte[random.nextInt(300)];
      random.nextBytes(junk);
      if (i % 2 == 0 && junk.length > 12) {
        System.arraycopy("DIST00000002".getBytes(ISO_8859_1), 0, junk, 0, 12);
      }
      try (Socket s = RawClient.connect(volunteer.port())) {
        s.getOutputStream().write(junk);
        s.shutdownOutput();
        s.getInputStream().readAllBytes();
      }
    }
  }

  @Test
  void fortyStalledClientsDoNotStarveAGoodOne() throws Exception {
    List<Socket> stalled = new ArrayList<>();
    try {
      for (int i = 0; i < 40; i++) {
        Socket s = RawClient.connect(volunteer.port());
        // half a request, then silence: stock distccd --jobs 2 stops serving here
        s.getOutputStream().write("DIST00000001ARGC00000005ARGV00000003gcc".getBytes(ISO_8859_1));
        s.getOutputStream().flush();
        stalled.add(s);
      }
      ClientWire.Reply reply = RawClient.goodJob(volunteer.port(), 2);
      assertEquals(0, reply.status(), reply.stderrText());
    } finally {
      for (Socket s : stalled) {
        s.close();
      }
    }
  }

  @Test
  void aCompileRunningPastTheJobLifetimeIsKilledWithItsWholeGroup() throws Exception {
    ClientWire.Reply reply =
        RawClient.send(
            volunteer.port(),
            RawClient.request(
                2, List.of("gcc", "-O2", "-c", "heavy.c", "-o", "heavy.o"), heavySource()));
    assertEquals(118, reply.exitCode(), reply.stderrText());
    assertTrue(reply.stderrText().contains("--job-lifetime"), reply.stderrText());
    assertEquals(List.of(), processesInJobs(), "no compiler process is left");
    // the summary is recorded just after the reply is written
    waitFor(
        () ->
            volunteer.summaries().stream()
                .anyMatch(j -> j.result() == JobSummary.Result.COMPILE_TIMEOUT),
        "a COMPILE_TIMEOUT summary");
  }

  @Test
  void aClientThatGoesAwayMidCompileHasItsCompilerKilled() throws Exception {
    try (Socket s = RawClient.connect(volunteer.port())) {
      s.getOutputStream()
          .write(
              RawClient.request(
                  2, List.of("gcc", "-O2", "-c", "gone.c", "-o", "gone.o"), heavySource()));
      s.getOutputStream().flush();
      waitFor(() -> !processesInJobs().isEmpty(), "the compiler to start");
    }
    waitFor(() -> processesInJobs().isEmpty(), "the compiler to be killed");
    waitFor(
        () ->
            volunteer.summaries().stream()
                .anyMatch(
                    j ->
                        j.result() == JobSummary.Result.CLI_DISCONN && "gone.c".equals(j.source())),
        "a CLI_DISCONN summary");
  }

  @Test
  void aClientThatClosesBeforeItsSourceIsForgottenQuietly() throws Exception {
    try (Socket s = RawClient.connect(volunteer.port())) {
      // what the stock client does when its own preprocessor fails
      byte[] all = RawClient.request(1, List.of("gcc", "-c", "x.c", "-o", "x.o"), "int x;");
      int header = all.length - "DOTI00000006int x;".length();
      s.getOutputStream().write(Arrays.copyOf(all, header));
      s.shutdownOutput();
      assertEquals(-1, s.getInputStream().read());
    }
  }

  @Test
  void aClientThatLeavesMidUploadTakesNoSlotAndLeavesNothing() throws Exception {
    // a source name of its own: other tests leave CLI_DISCONN summaries too
    byte[] all =
        RawClient.request(
            1, List.of("gcc", "-c", "mid_upload.c", "-o", "x.o"), "int x;\n".repeat(100_000));
    try (Socket s = RawClient.connect(volunteer.port())) {
      s.getOutputStream().write(Arrays.copyOf(all, all.length / 2)); // half the source, then gone
      s.getOutputStream().flush();
    }
    waitFor(
        () ->
            volunteer.summaries().stream()
                .anyMatch(
                    j ->
                        j.result() == JobSummary.Result.CLI_DISCONN
                            && "mid_upload.c".equals(j.source())),
        "the dropped upload to be logged");
    assertEquals(0, volunteer.daemon.slots().running(), "no slot was taken");
    waitFor(
        () -> {
          try (Stream<Path> left = Files.list(volunteer.jobRoot)) {
            return left.findAny().isEmpty();
          }
        },
        "its job directory to be gone");
  }

  /** About 2 MB of C that -O2 needs several seconds for. */
  private static String heavySource() {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 3000; i++) {
      b.append("int f")
          .append(i)
          .append("(int*a,int n){int s=0;for(int i=0;i<n;i++)s+=a[i]*")
          .append(i)
          .append("+(s>>3);return s;}\n");
    }
    return b.toString();
  }

  /** Processes whose working directory is inside the volunteer's job root. */
  private List<Long> processesInJobs() {
    List<Long> inside = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : (Iterable<Path>) procs::iterator) {
        if (!p.getFileName().toString().matches("\\d+")) {
          continue;
        }
        try {
          if (Files.readSymbolicLink(p.resolve("cwd")).startsWith(volunteer.jobRoot)) {
            inside.add(Long.parseLong(p.getFileName().toString()));
          }
        } catch (IOException | RuntimeException gone) {
          // exited meanwhile, or a zombie without a cwd
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return inside;
  }

  private interface Condition {
    boolean holds() throws Exception;
  }

  /** Polls with a generous bound: integration tests assert outcomes, not speed. */
  private static void waitFor(Condition c, String what) throws Exception {
    for (int i = 0; i < 300; i++) {
      if (c.holds()) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("timed out waiting for " + what);
  }
}
