package dev.crossfarm.daemon.server;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The compile slots ({@code --jobs}): how many compilers run at once. A connection takes a slot
 * only once its whole request has arrived, so clients that stall while sending never hold one.
 */
public final class JobSlots {

  private final int size;
  private final Semaphore free;
  private final AtomicInteger waiting = new AtomicInteger();

  public JobSlots(int size) {
    if (size < 1) {
      throw new IllegalArgumentException("--jobs must be at least 1, not " + size);
    }
    this.size = size;
    this.free = new Semaphore(size, true);
  }

  /** A held slot, released by closing it. */
  public interface Slot extends AutoCloseable {
    @Override
    void close();
  }

  public Slot acquire() throws InterruptedException {
    waiting.incrementAndGet();
    try {
      free.acquire();
    } finally {
      waiting.decrementAndGet();
    }
    return free::release;
  }

  public int size() {
    return size;
  }

  public int running() {
    return size - free.availablePermits();
  }

  public int waiting() {
    return waiting.get();
  }
}
