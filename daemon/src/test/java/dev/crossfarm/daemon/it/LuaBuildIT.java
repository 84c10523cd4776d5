package dev.crossfarm.daemon.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crossfarm.daemon.log.JobSummary;
import dev.crossfarm.harness.Peers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The stock distcc client (Debian, 3.4) builds lua 5.4 through the x86_64 volunteer with local
 * fallback off: every object byte-identical to a local compile; with -g identical to what stock
 * distccd returns for the same build.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LuaBuildIT {

  private Path work;
  private Volunteer volunteer;
  private Path lua;
  private Path localObjects;

  @BeforeAll
  void buildLocallyAndStartTheVolunteer(@TempDir Path work) throws Exception {
    this.work = work;
    Peers.require("distcc", "make", "gcc");
    lua = Peers.copyTree(Peers.luaSource(), work.resolve("lua"));
    make(Map.of(), "gcc -std=gnu99", "");
    localObjects = work.resolve("local");
    Peers.copyObjects(lua.resolve("src"), localObjects);
    assertTrue(Peers.objects(localObjects).size() > 30, "lua has more than 30 objects");
    volunteer = Volunteer.forToolchain("x86_64").jobs(2).start();
  }

  @AfterAll
  void stop() {
    if (volunteer != null) {
      volunteer.close();
    }
  }

  private void make(Map<String, String> env, String cc, String cflags) {
    Peers.buildLua(lua, env, cc, cflags);
  }

  @ParameterizedTest(name = "protocol options ''{0}''")
  @ValueSource(strings = {"", ",lzo"})
  void everyObjectIsByteIdenticalToALocalCompile(String options) throws Exception {
    int before = volunteer.summaries().size();
    make(
        Peers.distccEnv(volunteer.host(options), work.resolve("dcc")), "distcc gcc -std=gnu99", "");
    assertEquals(List.of(), Peers.differingObjects(localObjects, lua.resolve("src")));
    List<JobSummary> jobs = volunteer.summaries().subList(before, volunteer.summaries().size());
    long ok = jobs.stream().filter(j -> j.result() == JobSummary.Result.COMPILE_OK).count();
    assertEquals(Peers.objects(localObjects).size(), ok, "every object was compiled remotely");
    assertTrue(Files.isDirectory(volunteer.jobRoot));
    try (var left = Files.list(volunteer.jobRoot)) {
      assertEquals(0, left.count(), "no job directory is left behind");
    }
    Peers.run(lua.resolve("src"), Map.of(), "./lua", "-e", "assert(2+2==4)").ok("the built lua");
  }

  @Test
  void debugObjectsAreIdenticalToWhatStockDistccdReturns() throws Exception {
    Path stockObjects = work.resolve("stock-g");
    try (StockDistccd stock = StockDistccd.start(work, List.of())) {
      make(Peers.distccEnv(stock.host(",lzo"), work.resolve("dcc")), "distcc gcc -std=gnu99", "-g");
      Peers.copyObjects(lua.resolve("src"), stockObjects);
    }
    make(
        Peers.distccEnv(volunteer.host(",lzo"), work.resolve("dcc")),
        "distcc gcc -std=gnu99",
        "-g");
    assertEquals(List.of(), Peers.differingObjects(stockObjects, lua.resolve("src")));
    // and the -g objects really carry debug info (a build that dropped -g would pass the above)
    String sections =
        Peers.run(lua.resolve("src"), Map.of(), "readelf", "-S", "lapi.o").ok("readelf").out();
    assertTrue(sections.contains(".debug_info"));
  }
}
