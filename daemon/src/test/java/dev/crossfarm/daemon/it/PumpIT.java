package dev.crossfarm.daemon.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crossfarm.daemon.protocol.ClientWire;
import dev.crossfarm.harness.Peers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pump mode (protocol 3), held to stock distccd: every lua 5.4 source with its header closure goes
 * to stock distccd and to the volunteer; status, object and dependency file must be identical. With
 * -g the objects are identical once stripped of debug info, and ours carry the client's paths, not
 * the job's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PumpIT {

  private static final List<String> CPP = List.of("-DLUA_COMPAT_5_3", "-DLUA_USE_LINUX");

  private Path work;
  private Path src;
  private StockDistccd stock;
  private Volunteer volunteer;

  @BeforeAll
  void start(@TempDir Path work) throws Exception {
    this.work = work;
    src = Peers.copyTree(Peers.luaSource(), work.resolve("lua")).resolve("src");
    stock = StockDistccd.start(work, List.of());
    volunteer = Volunteer.forToolchain("x86_64").start();
  }

  @AfterAll
  void stop() throws Exception {
    if (stock != null) {
      stock.close();
    }
    if (volunteer != null) {
      volunteer.close();
    }
  }

  private List<String> sources() throws Exception {
    try (Stream<Path> s = Files.list(src)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".c")).sorted().toList();
    }
  }

  private byte[] request(String source, List<String> extra) throws Exception {
    String object = source.replace(".c", ".o");
    List<String> argv = new ArrayList<>(List.of("gcc", "-std=gnu99", "-O2", "-Wall", "-Wextra"));
    argv.addAll(CPP);
    argv.addAll(extra);
    argv.addAll(List.of("-c", "-o", object, source, "-MD", "-MT", object));
    return PumpClient.request(src.toString(), argv, PumpClient.closure(src, CPP, source));
  }

  @Test
  void everyLuaSourceGivesStatusObjectAndDepsIdenticalToStockDistccd() throws Exception {
    int compared = 0;
    for (String source : sources()) {
      byte[] wire = request(source, List.of());
      ClientWire.Reply theirs = PumpClient.send(stock.port, wire);
      ClientWire.Reply ours = PumpClient.send(volunteer.port(), wire);
      assertEquals(0, theirs.status(), source + " via stock: " + theirs.stderrText());
      assertEquals(theirs.status(), ours.status(), source + ": " + ours.stderrText());
      assertArrayEquals(theirs.object(), ours.object(), source + ": object");
      assertEquals(
          new String(theirs.dependencies(), StandardCharsets.UTF_8),
          new String(ours.dependencies(), StandardCharsets.UTF_8),
          source + ": dependency file");
      assertTrue(
          new String(ours.dependencies(), StandardCharsets.UTF_8)
              .startsWith(source.replace(".c", ".o") + ": " + source),
          "the target is the client's");
      compared++;
    }
    assertTrue(compared > 30, "every lua source: " + compared);
  }

  @Test
  void debugObjectsMatchStockOnceStrippedAndCarryTheClientsPaths() throws Exception {
    for (String source : List.of("lapi.c", "lvm.c", "lua.c")) {
      byte[] wire = request(source, List.of("-g"));
      ClientWire.Reply theirs = PumpClient.send(stock.port, wire);
      ClientWire.Reply ours = PumpClient.send(volunteer.port(), wire);
      assertEquals(0, ours.status(), ours.stderrText());
      Path a = Files.write(work.resolve("stock-" + source + ".o"), theirs.object());
      Path b = Files.write(work.resolve("ours-" + source + ".o"), ours.object());
      String oursDebug = new String(ours.object(), StandardCharsets.ISO_8859_1);
      assertTrue(oursDebug.contains(src.toString()), "the client's directory is in the debug info");
      assertFalse(oursDebug.contains(volunteer.jobRoot.toString()), "no path of the job remains");
      Peers.run(work, Map.of(), 60, List.of("objcopy", "--strip-debug", a.toString())).ok("strip");
      Peers.run(work, Map.of(), 60, List.of("objcopy", "--strip-debug", b.toString())).ok("strip");
      assertEquals(-1, Files.mismatch(a, b), source + ": identical without debug info");
    }
  }

  @Test
  void aCompileErrorIsReportedLikeStockWithoutADependencyFile() throws Exception {
    List<ClientWire.FileEntry> files =
        List.of(
            ClientWire.FileEntry.file(
                src + "/broken.c",
                "int broken(void) { return }\n".getBytes(StandardCharsets.US_ASCII)));
    byte[] wire =
        PumpClient.request(
            src.toString(), List.of("gcc", "-c", "-o", "broken.o", "broken.c"), files);
    ClientWire.Reply theirs = PumpClient.send(stock.port, wire);
    ClientWire.Reply ours = PumpClient.send(volunteer.port(), wire);
    assertNotEquals(0, ours.status());
    assertEquals(theirs.status(), ours.status());
    assertTrue(ours.stderrText().contains("broken.c:1"), ours.stderrText());
  }
}
