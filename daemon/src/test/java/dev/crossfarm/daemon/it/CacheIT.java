package dev.crossfarm.daemon.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crossfarm.daemon.drift.VersionDrift;
import dev.crossfarm.daemon.log.JobSummary;
import dev.crossfarm.harness.Peers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The result cache with the stock distcc client: lua through a volunteer with a cache, cold and
 * warm, is byte-identical to a local build (and to stock distccd with -g), the warm build comes
 * from the cache, and the cache holds up when it is shared, damaged, full, or raced; compiler drift
 * is caught from the source, cache hits included.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CacheIT {

  private Path work;
  private Path lua;
  private Path localObjects;
  private int objectCount;

  @BeforeAll
  void buildLuaLocally(@TempDir Path work) throws Exception {
    this.work = work;
    Peers.require("distcc", "make", "gcc", "gcc-11");
    lua = Peers.copyTree(Peers.luaSource(), work.resolve("lua"));
    make(Map.of(), "gcc -std=gnu99", "");
    localObjects = work.resolve("local");
    Peers.copyObjects(lua.resolve("src"), localObjects);
    objectCount = Peers.objects(localObjects).size();
    assertTrue(objectCount > 30);
  }

  private void make(Map<String, String> env, String cc, String cflags) {
    Peers.buildLua(lua, env, cc, cflags);
  }

  private void farmBuild(Volunteer v, String cflags) throws IOException {
    make(Peers.distccEnv(v.host(",lzo"), work.resolve("dcc")), "distcc gcc -std=gnu99", cflags);
  }

  private static List<JobSummary> since(Volunteer v, int before) {
    List<JobSummary> all = v.summaries();
    return all.subList(before, all.size());
  }

  private static long hits(List<JobSummary> jobs) {
    return jobs.stream().filter(JobSummary::cached).count();
  }

  private static List<Path> entries(Path store) throws IOException {
    try (Stream<Path> s = Files.walk(store.resolve("v1"))) {
      return s.filter(Files::isRegularFile).filter(p -> !p.getParent().endsWith("tmp")).toList();
    }
  }

  @Test
  void luaColdThenWarmIsIdenticalToALocalBuildAndTheWarmBuildIsAllHits() throws Exception {
    try (Volunteer v =
        Volunteer.forToolchain("x86_64").cache(work.resolve("lua-store"), 1L << 30).start()) {
      farmBuild(v, "");
      assertEquals(List.of(), Peers.differingObjects(localObjects, lua.resolve("src")), "cold");
      List<JobSummary> cold = since(v, 0);
      assertEquals(0, hits(cold));
      int before = v.summaries().size();
      farmBuild(v, "");
      assertEquals(List.of(), Peers.differingObjects(localObjects, lua.resolve("src")), "warm");
      assertEquals(objectCount, hits(since(v, before)), "every warm job was a hit");

      // a changed flag is another key: no hit
      before = v.summaries().size();
      farmBuild(v, "-O1");
      assertEquals(0, hits(since(v, before)), "-O1 after -O2 never hits");
    }
  }

  @Test
  void aCxxProjectColdThenWarmIsIdenticalToALocalBuild() throws Exception {
    Path dir = Files.createDirectories(work.resolve("cxx"));
    List<String> units = List.of("shapes", "names", "table", "main");
    Files.writeString(
        dir.resolve("shapes.cpp"),
        "#include <vector>\n#include <numeric>\n#include <memory>\n"
            + "struct Shape { virtual ~Shape() = default; virtual double area() const = 0; };\n"
            + "struct Sq : Shape { double s; explicit Sq(double v) : s(v) {} double area() const"
            + " override { return s * s; } };\n"
            + "double total(int n) { std::vector<std::unique_ptr<Shape>> v;\n"
            + "  for (int i = 0; i < n; i++) v.push_back(std::make_unique<Sq>(i));\n"
            + "  return std::accumulate(v.begin(), v.end(), 0.0, [](double a, const auto &p) {"
            + " return a + p->area(); }); }\n");
    Files.writeString(
        dir.resolve("names.cpp"),
        "#include <string>\n#include <map>\n#include <algorithm>\n"
            + "std::string upper(std::string s) { std::transform(s.begin(), s.end(), s.begin(),"
            + " ::toupper); return s; }\n"
            + "int count(const std::string &t) { std::map<char, int> m; for (char c : t) m[c]++;"
            + " return (int) m.size(); }\n");
    Files.writeString(
        dir.resolve("table.cpp"),
        "#include <unordered_map>\n#include <string>\n"
            + "template <typename K, typename V> struct Table { std::unordered_map<K, V> m;"
            + " void put(K k, V v) { m[k] = v; } };\n"
            + "int use() { Table<std::string, int> t; t.put(\"a\", 1); return (int) t.m.size();"
            + " }\n");
    Files.writeString(
        dir.resolve("main.cpp"),
        "#include <iostream>\n#include <string>\ndouble total(int); std::string upper(std::string);"
            + " int count(const std::string &); int use();\n"
            + "int main() { std::cout << total(4) << upper(\"x\") << count(\"abca\") << use()"
            + " << std::endl; }\n");
    for (String u : units) {
      Peers.run(dir, Map.of(), "g++", "-O2", "-std=c++17", "-c", u + ".cpp", "-o", u + ".local.o")
          .ok("local g++ " + u);
    }
    try (Volunteer v =
        Volunteer.forToolchain("x86_64").cache(work.resolve("cxx-store"), 1L << 30).start()) {
      Map<String, String> env = Peers.distccEnv(v.host(",lzo"), work.resolve("dcc-cxx"));
      for (String round : List.of("cold", "warm")) {
        int before = v.summaries().size();
        for (String u : units) {
          Peers.run(
                  dir, env, "distcc", "g++", "-O2", "-std=c++17", "-c", u + ".cpp", "-o", u + ".o")
              .ok(round + " g++ " + u);
          assertArrayEquals(
              Files.readAllBytes(dir.resolve(u + ".local.o")),
              Files.readAllBytes(dir.resolve(u + ".o")),
              round + " " + u);
        }
        assertEquals(round.equals("warm") ? units.size() : 0, hits(since(v, before)), round);
      }
    }
  }

  @Test
  void debugObjectsFromTheCacheAreWhatStockDistccdReturns() throws Exception {
    Path stockObjects = work.resolve("stock-g");
    try (StockDistccd stock = StockDistccd.start(work, List.of())) {
      make(Peers.distccEnv(stock.host(",lzo"), work.resolve("dcc")), "distcc gcc -std=gnu99", "-g");
      Peers.copyObjects(lua.resolve("src"), stockObjects);
    }
    try (Volunteer v =
        Volunteer.forToolchain("x86_64").cache(work.resolve("g-store"), 1L << 30).start()) {
      farmBuild(v, "-g");
      assertEquals(List.of(), Peers.differingObjects(stockObjects, lua.resolve("src")), "cold -g");
      int before = v.summaries().size();
      farmBuild(v, "-g");
      assertEquals(List.of(), Peers.differingObjects(stockObjects, lua.resolve("src")), "warm -g");
      assertEquals(objectCount, hits(since(v, before)));
    }
  }

  @Test
  void aSecondVolunteerOnTheSameDirectoryAnswersFromTheFirstsEntries() throws Exception {
    Path shared = work.resolve("shared-store");
    try (Volunteer first = Volunteer.forToolchain("x86_64").cache(shared, 1L << 30).start();
        Volunteer second = Volunteer.forToolchain("x86_64").cache(shared, 1L << 30).start()) {
      farmBuild(first, "");
      farmBuild(second, "");
      assertEquals(objectCount, hits(second.summaries()));
      assertEquals(List.of(), Peers.differingObjects(localObjects, lua.resolve("src")));
    }
  }

  @Test
  void damagedEntriesAreCompiledAgainNeverServed() throws Exception {
    Path store = work.resolve("damaged-store");
    try (Volunteer v = Volunteer.forToolchain("x86_64").cache(store, 1L << 30).start()) {
      farmBuild(v, "");
      for (Path e : entries(store)) {
        byte[] b = Files.readAllBytes(e);
        b[b.length / 2] ^= (byte) 0xa5;
        Files.write(e, b);
      }
      int before = v.summaries().size();
      farmBuild(v, "");
      assertEquals(0, hits(since(v, before)), "no damaged entry is a hit");
      assertEquals(List.of(), Peers.differingObjects(localObjects, lua.resolve("src")));
      before = v.summaries().size();
      farmBuild(v, "");
      assertEquals(objectCount, hits(since(v, before)), "stored again, whole");
    }
  }

  @Test
  void aFullDiskLetsEveryJobCompile() throws Exception {
    Path store = Files.createDirectories(work.resolve("full-store"));
    Peers.run(work, Map.of(), "mount", "-t", "tmpfs", "-o", "size=96k", "tmpfs", store.toString())
        .ok("mount a 96 kB tmpfs (the suite runs as root)");
    try (Volunteer v =
        Volunteer.forToolchain("x86_64").withStats().cache(store, 1L << 30).start()) {
      farmBuild(v, "");
      assertEquals(List.of(), Peers.differingObjects(localObjects, lua.resolve("src")));
      assertTrue(
          v.summaries().stream().allMatch(j -> j.result() == JobSummary.Result.COMPILE_OK),
          "every job compiled although the store filled up");
      String metrics = StatsIT.get(v.daemon.statsPort(), "/metrics");
      assertTrue(
          metrics.matches("(?s).*\\ncrossfarm_cache_errors_total [1-9].*"),
          "the failed stores are counted: " + metrics);
    } finally {
      Peers.run(work, Map.of(), "umount", store.toString()).ok("umount");
    }
  }

  @Test
  void eightClientsSendingOneSourceAtOnceGetIdenticalObjectsFromOneCompile() throws Exception {
    Path dir = Files.createDirectories(work.resolve("eight"));
    Files.writeString(
        dir.resolve("same.c"),
        "#include <string.h>\nint f(const char *s) { return (int) strlen(s) * 7; }\n");
    Peers.run(dir, Map.of(), "gcc", "-O2", "-c", "same.c", "-o", "local.o").ok("local");
    Path store = work.resolve("eight-store");
    try (Volunteer v =
        Volunteer.forToolchain("x86_64").withStats().jobs(8).cache(store, 1L << 30).start()) {
      Map<String, String> env =
          Peers.distccEnv("127.0.0.1:" + v.port() + "/8,lzo", work.resolve("dcc8"));
      List<CompletableFuture<Peers.Run>> all = new ArrayList<>();
      ExecutorService eight = Executors.newFixedThreadPool(8); // really at once
      for (int i = 0; i < 8; i++) {
        String out = "c" + i + ".o";
        all.add(
            CompletableFuture.supplyAsync(
                () -> Peers.run(dir, env, "distcc", "gcc", "-O2", "-c", "same.c", "-o", out),
                eight));
      }
      for (CompletableFuture<Peers.Run> f : all) {
        f.get().ok("one of eight clients");
      }
      eight.shutdown();
      byte[] local = Files.readAllBytes(dir.resolve("local.o"));
      for (int i = 0; i < 8; i++) {
        assertArrayEquals(local, Files.readAllBytes(dir.resolve("c" + i + ".o")), "client " + i);
      }
      assertEquals(1, entries(store).size(), "one entry for one key");
      // one compiled; the seven others waited for its result instead of compiling it again
      String metrics = StatsIT.get(v.daemon.statsPort(), "/metrics");
      assertTrue(metrics.contains("\ncrossfarm_cache_stores_total 1\n"), metrics);
      assertTrue(metrics.contains("\ncrossfarm_cache_hits_total 7\n"), metrics);
    }
  }

  @Test
  void aHitIsAnsweredWhileEverySlotCompiles() throws Exception {
    Path dir = Files.createDirectories(work.resolve("busy"));
    StringBuilder heavy = new StringBuilder();
    for (int i = 0; i < 15_000; i++) {
      heavy.append("int f").append(i).append("(int x){return x*").append(i).append(";}\n");
    }
    Files.writeString(dir.resolve("heavy.c"), heavy);
    Files.writeString(dir.resolve("small.c"), "int g(int x) { return x + 1; }\n");
    try (Volunteer v =
        Volunteer.forToolchain("x86_64")
            .jobs(1)
            .cache(work.resolve("busy-store"), 1L << 30)
            .start()) {
      Map<String, String> env =
          Peers.distccEnv("127.0.0.1:" + v.port() + "/4,lzo", work.resolve("dccb"));
      Peers.run(dir, env, "distcc", "gcc", "-O2", "-c", "small.c", "-o", "s1.o").ok("warm-up");
      ExecutorService background = Executors.newSingleThreadExecutor();
      CompletableFuture<Peers.Run> slow =
          CompletableFuture.supplyAsync(
              () -> Peers.run(dir, env, "distcc", "gcc", "-O2", "-c", "heavy.c", "-o", "h.o"),
              background);
      while (v.daemon.slots().running() < 1) {
        assertTrue(!slow.isDone(), () -> "the heavy job ended before it compiled: " + slow.join());
        Thread.sleep(20);
      }
      Peers.run(dir, env, "distcc", "gcc", "-O2", "-c", "small.c", "-o", "s2.o").ok("the hit");
      assertEquals(1, v.daemon.slots().running(), "the only slot still compiles the heavy job");
      JobSummary last = v.summaries().get(v.summaries().size() - 1);
      assertTrue(
          last.cached() && last.source().equals("small.c"), "answered from the cache: " + last);
      slow.get().ok("the heavy job");
      background.shutdown();
    }
  }

  /** A client whose gcc is 11, the gcc the stock client also finds by the host's triple. */
  private Map<String, String> gcc11Client(Path dir, Volunteer v) throws IOException {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    for (String name : List.of("gcc", "x86_64-linux-gnu-gcc")) {
      Path link = bin.resolve(name);
      Files.deleteIfExists(link);
      Files.createSymbolicLink(link, Path.of("/usr/bin/gcc-11"));
    }
    Map<String, String> env = new HashMap<>(Peers.distccEnv(v.host(",lzo"), dir.resolve("dcc")));
    env.put("PATH", bin + ":" + System.getenv("PATH"));
    return env;
  }

  @Test
  void aGcc11ClientIsRefusedOrCountedOnEveryJobCacheHitsIncluded() throws Exception {
    Path dir = Files.createDirectories(work.resolve("drift"));
    Files.writeString(
        dir.resolve("d.c"),
        "#include <stddef.h>\nsize_t f(int n) { return offsetof(struct { int x; long y; }, y) + n; }\n");
    Path store = work.resolve("drift-store");
    try (Volunteer warn =
            Volunteer.forToolchain("x86_64")
                .withStats()
                .versionDrift(VersionDrift.Policy.WARN)
                .cache(store, 1L << 30)
                .start();
        Volunteer refuse = Volunteer.forToolchain("x86_64").cache(store, 1L << 30).start()) {
      Peers.Run refused =
          Peers.run(dir, gcc11Client(dir, refuse), "distcc", "gcc", "-c", "d.c", "-o", "r.o");
      assertNotEquals(
          0, refused.exit(), "refuse is the default: the job fails (no local fallback)");
      assertTrue(
          refused.err().contains("gcc 11") && refused.err().contains("gcc 12."),
          "the client reads both versions: " + refused.err());

      Map<String, String> client = gcc11Client(dir, warn);
      Peers.run(dir, client, "distcc", "gcc", "-c", "d.c", "-o", "w1.o").ok("warn compiles");
      Peers.run(dir, client, "distcc", "gcc", "-c", "d.c", "-o", "w2.o").ok("warn, from the cache");
      assertTrue(warn.summaries().get(1).cached(), "the second job was a hit");
      String metrics = StatsIT.get(warn.daemon.statsPort(), "/metrics");
      assertTrue(
          metrics.contains("\ncrossfarm_version_drift_jobs_total 2\n"),
          "the hit is counted too: " + metrics);
      assertTrue(StatsIT.get(warn.daemon.statsPort(), "/status.json").contains("\"major\":11"));

      // the entry exists now, and refuse still turns the drifted job away
      Peers.Run again =
          Peers.run(dir, gcc11Client(dir, refuse), "distcc", "gcc", "-c", "d.c", "-o", "r2.o");
      assertNotEquals(0, again.exit(), "a cached result never lets a drifted job past refuse");

      // a gcc 12 client of the same source is no drift
      Peers.run(
              dir,
              Peers.distccEnv(warn.host(",lzo"), dir.resolve("dcc12")),
              "distcc",
              "gcc",
              "-c",
              "d.c",
              "-o",
              "t.o")
          .ok("gcc 12 client");
      assertTrue(
          StatsIT.get(warn.daemon.statsPort(), "/metrics")
              .contains("\ncrossfarm_version_drift_jobs_total 2\n"));
    }
  }
}
