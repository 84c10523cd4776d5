package dev.crossfarm.daemon.cache;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The volunteer's store of successful compiles, one file per {@link CacheKey} under {@code
 * DIR/v1/XX/KEY}. Only the volunteer writes it, so a client can never place an object in it.
 *
 * <ul>
 *   <li>An entry is written to a temporary file and renamed into place, so a reader sees a whole
 *       entry or none; several volunteers (the containers of a host, two {@code farm daemon}s) may
 *       share one directory.
 *   <li>Every entry ends with the SHA-256 of everything before it and names its own key; an entry
 *       that fails either check is a miss, and is removed.
 *   <li>A hit sets the entry's modification time: the least recently used entries go first when the
 *       files of the store pass {@code maxBytes}.
 *   <li>Nothing here ever fails a job: a store that cannot be read is a miss, one that cannot be
 *       written (full disk, read-only mount) is skipped, with a warning now and then.
 *   <li>No entry is kept in memory: a hit reads its file, a store streams the job's files.
 * </ul>
 */
public final class ResultCache {

  private static final Logger log = LoggerFactory.getLogger("dcc_cache");

  private static final byte[] MAGIC = "CFRES001".getBytes(StandardCharsets.US_ASCII);
  private static final int HEADER = MAGIC.length + Digests.LENGTH + 3 * Long.BYTES;

  /** Eviction brings the store down to this share of its bound, so it does not run every store. */
  private static final double LOW_WATER = 0.9;

  /**
   * Stores between two scans of the directory: other volunteers sharing it add entries this one
   * does not count.
   */
  private static final int RESCAN_EVERY = 256;

  /**
   * Before this process has counted the store, one store in this many counts it (and evicts): a
   * long-running volunteer counts at its first stats request anyway.
   */
  private static final int FIRST_SCAN_ODDS = 32;

  /** A temporary file this old was left by a volunteer that died while storing. */
  private static final long STALE_TEMP_MILLIS = 3_600_000;

  private static final long WARN_EVERY_MILLIS = 600_000;

  /** What the cache has done, for /metrics and /status.json. */
  public record Stats(
      boolean enabled,
      String directory,
      long hits,
      long misses,
      long stores,
      long evictions,
      long errors,
      long bytes,
      long maxBytes) {

    /** Hits over lookups, 0 before the first. */
    public double hitRate() {
      return hits + misses == 0 ? 0 : (double) hits / (hits + misses);
    }
  }

  private final Path entries;
  private final Path temporary;
  private final long maxBytes;
  private final AtomicLong hits = new AtomicLong();
  private final AtomicLong misses = new AtomicLong();
  private final AtomicLong stores = new AtomicLong();
  private final AtomicLong evictions = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicLong storesSinceScan = new AtomicLong();
  private final AtomicLong lastWarning = new AtomicLong(Long.MIN_VALUE / 2);
  private final Object scanning = new Object();

  /** Whether {@link #bytes} has been counted from the directory yet. */
  private volatile boolean scanned;

  private ResultCache(Path dir, long maxBytes) {
    this.entries = dir == null ? null : dir.resolve("v1");
    this.temporary = dir == null ? null : entries.resolve("tmp");
    this.maxBytes = maxBytes;
  }

  /** A cache that is off ({@code --no-cache}): every lookup misses uncounted, nothing is stored. */
  public static ResultCache off() {
    return new ResultCache(null, 0);
  }

  /**
   * The store in {@code dir}, created when missing. A directory that cannot be created or written
   * still gives a cache: it serves what it can read and stores nothing, with a warning.
   */
  public static ResultCache open(Path dir, long maxBytes) {
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("--cache-size must be more than 0");
    }
    ResultCache cache = new ResultCache(dir.toAbsolutePath(), maxBytes);
    try {
      Files.createDirectories(cache.temporary);
    } catch (IOException e) {
      cache.warn("cannot create " + cache.temporary + " (" + e + "); results will not be stored");
    }
    return cache;
  }

  public boolean enabled() {
    return entries != null;
  }

  /** Where compiler identities are kept between processes ({@link CompilerIdentity}), or null. */
  public Path identities() {
    return entries == null ? null : entries.getParent().resolve("identity");
  }

  /** The entry for {@code key}, or empty: none, unreadable, or not whole. */
  public Optional<CachedResult> lookup(CacheKey key) {
    if (!enabled()) {
      return Optional.empty();
    }
    Path file = entryFile(key);
    byte[] entry;
    try {
      long size = Files.size(file);
      if (size > maxBytes || size < HEADER + Digests.LENGTH) {
        return corrupt(file, "its size is " + size + " bytes");
      }
      entry = Files.readAllBytes(file);
    } catch (NoSuchFileException absent) {
      misses.incrementAndGet();
      return Optional.empty();
    } catch (IOException e) {
      warn("cannot read " + file + ": " + e.getMessage());
      misses.incrementAndGet();
      return Optional.empty();
    }
    Optional<CachedResult> result = decode(entry, key);
    if (result.isEmpty()) {
      return corrupt(file, "its digest or its key does not match");
    }
    try {
      Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis()));
    } catch (IOException readOnly) {
      // a store that cannot be touched still serves; it only forgets which entries are recent
    }
    hits.incrementAndGet();
    return result;
  }

  /**
   * Stores a successful compile's reply under {@code key}. Never throws: a store that cannot be
   * written skips it.
   *
   * @return whether the cache holds the result now
   * @param stdout the compiler's stdout file (missing: empty)
   */
  public boolean store(CacheKey key, byte[] stderr, Path stdout, Path object) {
    if (!enabled()) {
      return false;
    }
    Path file = entryFile(key);
    Path temp =
        temporary.resolve(
            key.hex() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()));
    try {
      if (Files.exists(file)) {
        return true; // another job of the same key stored it first: the bytes are the same
      }
      long outLength = Files.exists(stdout) ? Files.size(stdout) : 0;
      long objectLength = Files.size(object);
      long size = HEADER + stderr.length + outLength + objectLength + Digests.LENGTH;
      if (size > maxBytes) {
        return false; // larger than the whole store: it would only push everything else out
      }
      Files.createDirectories(file.getParent());
      MessageDigest d = Digests.sha256();
      try (OutputStream raw = Files.newOutputStream(temp);
          DigestOutputStream digesting =
              new DigestOutputStream(new BufferedOutputStream(raw, 1 << 16), d);
          DataOutputStream out = new DataOutputStream(digesting)) {
        out.write(MAGIC);
        out.write(HexFormat.of().parseHex(key.hex()));
        out.writeLong(stderr.length);
        out.writeLong(outLength);
        out.writeLong(objectLength);
        out.write(stderr);
        copy(stdout, out, outLength);
        copy(object, out, objectLength);
        out.flush();
        digesting.on(false);
        out.write(d.digest());
      }
      move(temp, file);
      stores.incrementAndGet();
      bytes.addAndGet(size);
      if (scanned
          ? bytes.get() > maxBytes || storesSinceScan.incrementAndGet() >= RESCAN_EVERY
          // not counted yet (a process that serves one job, --inetd): the scan of a large store
          // is paid by one store in FIRST_SCAN_ODDS, so the bound still holds, late
          : ThreadLocalRandom.current().nextInt(FIRST_SCAN_ODDS) == 0) {
        rescan();
      }
      return true;
    } catch (IOException | RuntimeException e) {
      errors.incrementAndGet();
      warn(
          "could not store a result in "
              + entries
              + " ("
              + e.getMessage()
              + "); jobs compile as usual");
      return false;
    } finally {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException ignored) {
        // the next scan removes it once it is stale
      }
    }
  }

  /** Removes every entry; returns how many bytes were freed. */
  public long clear() {
    if (!enabled()) {
      return 0;
    }
    synchronized (scanning) {
      long freed = 0;
      for (Entry e : list()) {
        if (delete(e.file())) {
          freed += e.size();
        }
      }
      bytes.set(Math.max(0, bytes.get() - freed));
      rescan();
      return freed;
    }
  }

  /** The counts so far; the first call counts the store's files (a volunteer's start does not). */
  public Stats stats() {
    if (enabled() && !scanned) {
      rescan();
    }
    return new Stats(
        enabled(),
        entries == null ? null : entries.getParent().toString(),
        hits.get(),
        misses.get(),
        stores.get(),
        evictions.get(),
        errors.get(),
        bytes.get(),
        maxBytes);
  }

  /**
   * Counts the files of the store and, when they pass the bound, removes the least recently used
   * entries until they are under {@link #LOW_WATER} of it; stale temporary files go too.
   */
  private void rescan() {
    synchronized (scanning) {
      storesSinceScan.set(0);
      List<Entry> all = list();
      long total = all.stream().mapToLong(Entry::size).sum();
      if (total > maxBytes) {
        long target = (long) (maxBytes * LOW_WATER);
        all.sort(Comparator.comparingLong(Entry::modified));
        for (Entry e : all) {
          if (total <= target) {
            break;
          }
          if (e.temporary() && e.modified() > System.currentTimeMillis() - STALE_TEMP_MILLIS) {
            continue; // another volunteer is writing it
          }
          if (delete(e.file())) {
            total -= e.size();
            if (!e.temporary()) {
              evictions.incrementAndGet();
            }
          }
        }
      }
      bytes.set(total);
      scanned = true;
    }
  }

  private record Entry(Path file, long size, long modified, boolean temporary) {}

  private List<Entry> list() {
    List<Entry> found = new ArrayList<>();
    try (DirectoryStream<Path> shards = Files.newDirectoryStream(entries)) {
      for (Path shard : shards) {
        if (!(shard.equals(temporary) || shard.getFileName().toString().matches("[0-9a-f]{2}"))
            || !Files.isDirectory(shard)) {
          continue;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(shard)) {
          for (Path f : files) {
            try {
              BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
              if (a.isRegularFile()) {
                found.add(
                    new Entry(
                        f, a.size(), a.lastModifiedTime().toMillis(), shard.equals(temporary)));
              }
            } catch (IOException gone) {
              // removed by another volunteer while listing
            }
          }
        }
      }
    } catch (NoSuchFileException absent) {
      return found;
    } catch (IOException e) {
      warn("cannot list " + entries + ": " + e.getMessage());
    }
    return found;
  }

  private Path entryFile(CacheKey key) {
    return entries.resolve(key.hex().substring(0, 2)).resolve(key.hex());
  }

  private Optional<CachedResult> corrupt(Path file, String why) {
    misses.incrementAndGet();
    errors.incrementAndGet();
    log.warn("cache entry {} is damaged ({}): removed, the job compiles", file, why);
    delete(file);
    return Optional.empty();
  }

  /** The entry's parts, or empty when its digest, key or lengths are not what they should be. */
  static Optional<CachedResult> decode(byte[] entry, CacheKey key) {
    if (entry.length < HEADER + Digests.LENGTH
        || !Arrays.equals(entry, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      return Optional.empty();
    }
    int body = entry.length - Digests.LENGTH;
    MessageDigest d = Digests.sha256();
    d.update(entry, 0, body);
    if (!MessageDigest.isEqual(d.digest(), Arrays.copyOfRange(entry, body, entry.length))) {
      return Optional.empty();
    }
    byte[] named = HexFormat.of().parseHex(key.hex());
    if (!Arrays.equals(
        entry, MAGIC.length, MAGIC.length + Digests.LENGTH, named, 0, named.length)) {
      return Optional.empty();
    }
    ByteBuffer b = ByteBuffer.wrap(entry, MAGIC.length + Digests.LENGTH, 3 * Long.BYTES);
    long err = b.getLong();
    long out = b.getLong();
    long obj = b.getLong();
    if (err < 0 || out < 0 || obj < 0 || HEADER + err + out + obj != body) {
      return Optional.empty();
    }
    int at = HEADER;
    byte[] stderr = Arrays.copyOfRange(entry, at, at += (int) err);
    byte[] stdout = Arrays.copyOfRange(entry, at, at += (int) out);
    byte[] object = Arrays.copyOfRange(entry, at, at + (int) obj);
    return Optional.of(new CachedResult(stderr, stdout, object));
  }

  private static void copy(Path file, OutputStream out, long expected) throws IOException {
    if (expected == 0) {
      return;
    }
    try (InputStream in = Files.newInputStream(file)) {
      if (in.transferTo(out) != expected) {
        throw new IOException(file + " changed while it was stored");
      }
    }
  }

  private static void move(Path temp, Path file) throws IOException {
    try {
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("the cache directory cannot rename atomically: " + e.getMessage());
    }
  }

  private static boolean delete(Path file) {
    try {
      return Files.deleteIfExists(file);
    } catch (IOException e) {
      return false;
    }
  }

  private void warn(String message) {
    long now = System.currentTimeMillis();
    long last = lastWarning.get();
    if (now - last >= WARN_EVERY_MILLIS && lastWarning.compareAndSet(last, now)) {
      log.warn("result cache: {}", message);
    } else {
      log.debug("result cache: {}", message);
    }
  }
}
