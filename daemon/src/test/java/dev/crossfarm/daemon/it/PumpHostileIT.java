package dev.crossfarm.daemon.it;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crossfarm.daemon.protocol.ClientWire;
import dev.crossfarm.daemon.protocol.ClientWire.FileEntry;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every NAME, LINK and path argument of a pump request is untrusted: each way out of the job root
 * is refused with a message, nothing appears outside it, and the volunteer serves the next job.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PumpHostileIT {

  private Path work;
  private Path outside;
  private Volunteer volunteer;

  @BeforeAll
  void start(@TempDir Path work) throws Exception {
    this.work = work;
    outside = Files.createDirectories(work.resolve("outside"));
    volunteer =
        Volunteer.forToolchain("x86_64")
            .jobsUnder(Files.createDirectories(work.resolve("jobs")))
            .start();
  }

  @AfterAll
  void stop() {
    volunteer.close();
  }

  @AfterEach
  void nothingOutsideAndStillServing() throws Exception {
    try (Stream<Path> s = Files.walk(outside)) {
      assertEquals(List.of(outside), s.toList(), "nothing was written outside the job");
    }
    ClientWire.Reply good =
        PumpClient.send(
            volunteer.port(),
            PumpClient.request(
                "/src",
                List.of("gcc", "-c", "-o", "g.o", "g.c"),
                List.of(FileEntry.file("/src/g.c", bytes("int g(void){return 7;}\n")))));
    assertEquals(0, good.status(), good.stderrText());
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private ClientWire.Reply send(String cwd, List<String> argv, List<FileEntry> files)
      throws Exception {
    return PumpClient.send(volunteer.port(), PumpClient.request(cwd, argv, files));
  }

  /** Refused, with the reason the client reads naming {@code because}. */
  private void assertRefused(ClientWire.Reply r, String because) {
    assertNotEquals(0, r.status(), because);
    assertTrue(
        r.stderrText().contains("refused") && r.stderrText().contains(because),
        because + ": " + r.stderrText());
  }

  private List<String> compile(String source) {
    return List.of("gcc", "-c", "-o", "x.o", source);
  }

  @Test
  void dotDotSegmentsInNamesAreRefused() throws Exception {
    String escape = "/src/../../../../../../.." + outside + "/written";
    assertRefused(
        send("/src", compile("x.c"), List.of(FileEntry.file(escape, bytes("x")))),
        "has a '..' segment");
  }

  @Test
  void aLinkPointingOutsideIsRefused() throws Exception {
    assertRefused(
        send(
            "/src",
            compile("x.c"),
            List.of(FileEntry.link("/src/up", "../../../../../../.." + outside))),
        "leads outside the job");
    assertRefused(
        send("/src", compile("x.c"), List.of(FileEntry.link("/src/mid", "a/../../.."))),
        "leads outside the job");
  }

  @Test
  void writingThroughALinkIsRefusedEvenWhenTheLinkItselfIsAllowed() throws Exception {
    // an absolute target is re-rooted (allowed), but nothing may then be written through it
    List<FileEntry> files =
        List.of(
            FileEntry.link("/src/out", outside.toString()),
            FileEntry.file("/src/out/written", bytes("x")));
    assertRefused(send("/src", compile("x.c"), files), "nothing is written through a link");
  }

  @Test
  void duplicateNamesAreRefused() throws Exception {
    List<FileEntry> files =
        List.of(
            FileEntry.file("/src/x.c", bytes("int a;\n")),
            FileEntry.file("/src/x.c", bytes("int b;\n")));
    assertRefused(send("/src", compile("x.c"), files), "is sent twice");
  }

  @Test
  void aFileOverADirectoryAndADirectoryOverAFileAreRefused() throws Exception {
    assertRefused(
        send(
            "/src",
            compile("x.c"),
            List.of(
                FileEntry.file("/src/inc", bytes("x")),
                FileEntry.file("/src/inc/a.h", bytes("y")))),
        "is a file, and another file is sent inside it");
    assertRefused(
        send(
            "/src",
            compile("x.c"),
            List.of(
                FileEntry.file("/src/inc/a.h", bytes("y")),
                FileEntry.file("/src/inc", bytes("x")))),
        "names a directory that already exists");
  }

  @Test
  void includePathsAndSourcesThatClimbOutAreRefused() throws Exception {
    List<FileEntry> src = List.of(FileEntry.file("/src/x.c", bytes("int x;\n")));
    assertRefused(
        send("/src", List.of("gcc", "-I../../../../etc", "-c", "-o", "x.o", "x.c"), src),
        "leads outside the files the client sent");
    assertRefused(
        send("/src", List.of("gcc", "-include", "../../../../etc/passwd", "-c", "x.c"), src),
        "leads outside the files the client sent");
    assertRefused(
        send("/src", List.of("gcc", "-c", "-o", "x.o", "/src/../../etc/x.c"), src),
        "has a '..' segment");
    assertRefused(send("/src/../..", compile("x.c"), src), "has a '..' segment");
  }

  @Test
  void absoluteIncludePathsAreReRootedIntoTheJob() throws Exception {
    List<FileEntry> files =
        List.of(
            FileEntry.file("/src/x.c", bytes("#include <only_in_job.h>\nint x = ONLY;\n")),
            FileEntry.file("/opt/inc/only_in_job.h", bytes("#define ONLY 42\n")));
    ClientWire.Reply r =
        send("/src", List.of("gcc", "-I/opt/inc", "-c", "-o", "x.o", "x.c"), files);
    assertEquals(0, r.status(), r.stderrText());
    assertTrue(
        new String(r.dependencies(), StandardCharsets.UTF_8).contains(" /opt/inc/only_in_job.h"));
  }

  @Test
  void hugeCountsAndSizesAreRefusedBeforeAnythingIsAllocated() throws Exception {
    for (String tail :
        List.of(
            "NFILffffffff",
            "NFIL00000001NAME00000006/src/xFILEffffffff",
            "NFIL00000001NAMEffffffff")) {
      String wire = "DIST00000003CDIR00000004/srcARGC00000001ARGV00000003gcc" + tail;
      List<String> argv = new ArrayList<>(List.of("gcc", "-c", "x.c"));
      StringBuilder w =
          new StringBuilder("DIST00000003CDIR00000004/src")
              .append(String.format("ARGC%08x", argv.size()));
      for (String a : argv) {
        w.append(String.format("ARGV%08x", a.length())).append(a);
      }
      w.append(tail);
      try (Socket s = new Socket("127.0.0.1", volunteer.port())) {
        s.getOutputStream().write(w.toString().getBytes(ISO_8859_1));
        s.shutdownOutput();
        String reply = new String(s.getInputStream().readAllBytes(), ISO_8859_1);
        assertTrue(
            reply.startsWith("DONE00000003STAT") && !reply.startsWith("DONE00000003STAT00000000"),
            wire + " -> " + reply);
      }
    }
  }
}
