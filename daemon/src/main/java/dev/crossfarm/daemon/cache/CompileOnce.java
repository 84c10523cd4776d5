package dev.crossfarm.daemon.cache;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One compile per key at a time on this volunteer: a job whose result another job is compiling
 * waits for that one and is then answered from the cache, instead of compiling the same thing again
 * (eight boards building one tree at once, or a front's duplicates). The job that leads holds its
 * {@link Lead} until its result is stored, or until it is clear that none will be.
 */
public final class CompileOnce {

  private final Map<CacheKey, CountDownLatch> compiling = new ConcurrentHashMap<>();

  /**
   * Keys whose lead stored no result lately (a {@code -g} job naming its directory, a full disk):
   * their duplicates compile side by side, as without a cache, instead of one after another.
   */
  private final Map<CacheKey, Boolean> unstored =
      java.util.Collections.synchronizedMap(
          new java.util.LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<CacheKey, Boolean> eldest) {
              return size() > 1024;
            }
          });

  /** The right and duty to compile one key: close it once the result is stored or given up. */
  public final class Lead implements AutoCloseable {
    private final CacheKey key;
    private final CountDownLatch done;
    private boolean stored;

    private Lead(CacheKey key, CountDownLatch done) {
      this.key = key;
      this.done = done;
    }

    /** The result is in the cache now. */
    public void stored() {
      stored = true;
    }

    @Override
    public void close() {
      if (done == null) {
        return; // compiled alone: nobody waited
      }
      if (!stored) {
        unstored.put(key, Boolean.TRUE);
      }
      compiling.remove(key, done);
      done.countDown();
    }
  }

  /**
   * The lead for {@code key}, or null after waiting up to {@code patience} for the job that has it
   * (look in the cache again then: its result is stored, or it failed and the lead is free).
   */
  public Lead leadOrWait(CacheKey key, Duration patience) throws InterruptedException {
    if (unstored.containsKey(key)) {
      return new Lead(key, null);
    }
    CountDownLatch mine = new CountDownLatch(1);
    CountDownLatch theirs = compiling.putIfAbsent(key, mine);
    if (theirs == null) {
      return new Lead(key, mine);
    }
    theirs.await(patience.toMillis(), TimeUnit.MILLISECONDS);
    return null;
  }
}
