package dev.crossfarm.daemon.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultCacheTest {

  @TempDir Path dir;

  private static CacheKey key(int n) {
    byte[] b = Digests.sha256().digest(("key " + n).getBytes(StandardCharsets.UTF_8));
    return new CacheKey(HexFormat.of().formatHex(b));
  }

  /** A job directory's files: an object of {@code size} bytes and an empty stdout. */
  private Path object(String name, int size, int seed) throws IOException {
    byte[] b = new byte[size];
    for (int i = 0; i < size; i++) {
      b[i] = (byte) (i * 31 + seed);
    }
    return Files.write(dir.resolve(name), b);
  }

  private List<Path> entryFiles(Path store) throws IOException {
    try (Stream<Path> s = Files.walk(store.resolve("v1"))) {
      return s.filter(Files::isRegularFile).toList();
    }
  }

  private static long bytesUnder(Path store) throws IOException {
    try (Stream<Path> s = Files.walk(store)) {
      return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }

  @Test
  void givesBackExactlyWhatWasStored() throws Exception {
    ResultCache cache = ResultCache.open(dir.resolve("store"), 1 << 20);
    Path obj = object("out.o", 5000, 1);
    Files.writeString(dir.resolve("stdout"), "printed");
    byte[] warning = "a.c:1:5: warning: unused variable ‘x’\n".getBytes(StandardCharsets.UTF_8);

    assertTrue(cache.lookup(key(1)).isEmpty());
    cache.store(key(1), warning, dir.resolve("stdout"), obj);
    CachedResult hit = cache.lookup(key(1)).orElseThrow();

    assertArrayEquals(Files.readAllBytes(obj), hit.object());
    assertArrayEquals(warning, hit.stderr());
    assertEquals("printed", new String(hit.stdout(), StandardCharsets.UTF_8));
    assertTrue(cache.lookup(key(2)).isEmpty(), "another key is another entry");
    ResultCache.Stats s = cache.stats();
    assertEquals(1, s.hits());
    assertEquals(2, s.misses());
    assertEquals(1, s.stores());
    assertEquals(bytesUnder(dir.resolve("store")), s.bytes());
  }

  @Test
  void aMissingStdoutFileIsAnEmptyStdout() throws Exception {
    ResultCache cache = ResultCache.open(dir.resolve("store"), 1 << 20);
    cache.store(key(1), new byte[0], dir.resolve("no-such-stdout"), object("o", 10, 0));
    assertEquals(0, cache.lookup(key(1)).orElseThrow().stdout().length);
  }

  @Test
  void aDamagedEntryIsAMissAndIsRemoved() throws Exception {
    Path store = dir.resolve("store");
    ResultCache cache = ResultCache.open(store, 1 << 20);
    cache.store(key(1), new byte[0], dir.resolve("none"), object("a.o", 4000, 1));
    cache.store(key(2), new byte[0], dir.resolve("none"), object("b.o", 4000, 2));
    cache.store(key(3), new byte[0], dir.resolve("none"), object("c.o", 4000, 3));
    List<Path> files = entryFiles(store);
    assertEquals(3, files.size());
    Path flipped = findEntry(store, key(1));
    byte[] b = Files.readAllBytes(flipped);
    b[b.length / 2] ^= 0x5a;
    Files.write(flipped, b);
    Path truncated = findEntry(store, key(2));
    byte[] t = Files.readAllBytes(truncated);
    Files.write(truncated, java.util.Arrays.copyOf(t, t.length - 40));
    // an entry moved under another key's name names its own key, and is refused
    Path moved = findEntry(store, key(3));
    Path other = moved.resolveSibling(key(4).hex());
    Files.createDirectories(store.resolve("v1").resolve(key(4).hex().substring(0, 2)));
    Files.copy(
        moved, store.resolve("v1").resolve(key(4).hex().substring(0, 2)).resolve(key(4).hex()));

    assertTrue(cache.lookup(key(1)).isEmpty());
    assertTrue(cache.lookup(key(2)).isEmpty());
    assertTrue(cache.lookup(key(4)).isEmpty());
    assertFalse(Files.exists(flipped), "the damaged entry is removed");
    assertFalse(Files.exists(truncated), "the truncated entry is removed");
    assertFalse(Files.exists(other));
    assertTrue(cache.lookup(key(3)).isPresent(), "the whole entry still serves");
    assertEquals(3, cache.stats().errors());
  }

  private static Path findEntry(Path store, CacheKey key) {
    return store.resolve("v1").resolve(key.hex().substring(0, 2)).resolve(key.hex());
  }

  @Test
  void staysUnderItsBoundDroppingTheLeastRecentlyUsedFirst() throws Exception {
    Path store = dir.resolve("store");
    long bound = 64 * 1024;
    ResultCache cache = ResultCache.open(store, bound);
    cache.stats(); // as a volunteer does at its start: the store is counted
    for (int i = 0; i < 4; i++) {
      cache.store(key(i), new byte[0], dir.resolve("none"), object("o" + i, 10_000, i));
      // entries stored in the same millisecond would tie: give each its own age
      Files.setLastModifiedTime(
          findEntry(store, key(i)), FileTime.fromMillis(1_000_000L * (i + 1)));
    }
    assertTrue(cache.lookup(key(0)).isPresent()); // now the most recently used
    for (int i = 4; i < 7; i++) { // 7 entries of 10 kB pass the bound of 64 kB
      cache.store(key(i), new byte[0], dir.resolve("none"), object("o" + i, 10_000, i));
    }
    assertTrue(bytesUnder(store) <= bound, "the files hold " + bytesUnder(store) + " bytes");
    assertTrue(cache.lookup(key(0)).isPresent(), "the entry just used survives");
    assertTrue(cache.lookup(key(1)).isEmpty(), "the least recently used went first");
    assertTrue(cache.stats().evictions() > 0);
  }

  @Test
  void anEntryLargerThanTheWholeStoreIsNotKept() throws Exception {
    ResultCache cache = ResultCache.open(dir.resolve("store"), 4096);
    cache.store(key(1), new byte[0], dir.resolve("none"), object("big.o", 10_000, 0));
    assertTrue(cache.lookup(key(1)).isEmpty());
    assertEquals(0, cache.stats().stores());
  }

  @Test
  void volunteersSharingADirectorySeeEachOthersEntries() throws Exception {
    ResultCache first = ResultCache.open(dir.resolve("shared"), 1 << 20);
    ResultCache second = ResultCache.open(dir.resolve("shared"), 1 << 20);
    first.store(key(7), new byte[0], dir.resolve("none"), object("o", 3000, 7));
    assertArrayEquals(
        Files.readAllBytes(dir.resolve("o")), second.lookup(key(7)).orElseThrow().object());
  }

  @Test
  void eightStoresOfOneKeyAtOnceLeaveOneWholeEntryAndNoTemporaryFile() throws Exception {
    Path store = dir.resolve("store");
    ResultCache cache = ResultCache.open(store, 1 << 24);
    Path obj = object("same.o", 200_000, 3);
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<?>> all = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      all.add(
          pool.submit(
              () -> {
                start.await();
                cache.store(key(1), new byte[0], dir.resolve("none"), obj);
                return null;
              }));
    }
    start.countDown();
    for (Future<?> f : all) {
      f.get();
    }
    pool.shutdown();
    assertEquals(List.of(findEntry(store, key(1))), entryFiles(store));
    assertArrayEquals(Files.readAllBytes(obj), cache.lookup(key(1)).orElseThrow().object());
  }

  @Test
  void clearRemovesEveryEntry() throws Exception {
    Path store = dir.resolve("store");
    ResultCache cache = ResultCache.open(store, 1 << 20);
    cache.store(key(1), new byte[0], dir.resolve("none"), object("a", 100, 1));
    cache.store(key(2), new byte[0], dir.resolve("none"), object("b", 100, 2));
    assertTrue(cache.clear() > 200);
    assertEquals(List.of(), entryFiles(store));
    assertEquals(0, cache.stats().bytes());
    assertTrue(cache.lookup(key(1)).isEmpty());
  }

  @Test
  void aStoreThatCannotBeWrittenStepsAsideWithoutFailing() throws Exception {
    // a file where the store's directory should be: nothing can be created under it
    Path blocked = Files.writeString(dir.resolve("blocked"), "not a directory");
    ResultCache cache = ResultCache.open(blocked, 1 << 20);
    cache.store(key(1), new byte[0], dir.resolve("none"), object("a", 100, 1));
    assertTrue(cache.lookup(key(1)).isEmpty());
    assertEquals(1, cache.stats().errors());
    assertEquals("not a directory", Files.readString(blocked));
  }

  @Test
  void offNeverStoresNorCounts() throws Exception {
    ResultCache off = ResultCache.off();
    off.store(key(1), new byte[0], dir.resolve("none"), object("a", 100, 1));
    assertTrue(off.lookup(key(1)).isEmpty());
    assertFalse(off.stats().enabled());
    assertEquals(0, off.stats().misses());
  }
}
