package dev.crossfarm.daemon.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A pipe read with a timeout. A read from a pipe cannot time out in Java, so a thread of its own
 * reads ahead into a small bounded queue (at most {@value #CHUNKS} chunks of {@value #CHUNK} bytes:
 * memory stays bounded whatever the client sends) and a read that waits longer than the timeout
 * fails with {@link SocketTimeoutException}, as a socket's would. The same thread notices when the
 * client closes its end while nothing is being read, which is how a compile learns that its client
 * left.
 */
final class TimedInput extends InputStream {

  static final int CHUNK = 64 * 1024;
  static final int CHUNKS = 4;
  private static final byte[] END = new byte[0];

  private final BlockingQueue<Object> chunks = new ArrayBlockingQueue<>(CHUNKS);
  private final Duration timeout;
  private volatile boolean ended;
  private byte[] current = new byte[0];
  private int position;
  private boolean finished;

  TimedInput(InputStream source, Duration timeout) {
    this.timeout = timeout;
    Thread reader = new Thread(() -> pump(source), "stdin");
    reader.setDaemon(true);
    reader.start();
  }

  private void pump(InputStream source) {
    byte[] buffer = new byte[CHUNK];
    try {
      while (true) {
        int n = source.read(buffer);
        if (n < 0) {
          break;
        }
        if (n > 0) {
          chunks.put(Arrays.copyOf(buffer, n));
        }
      }
      ended = true;
      chunks.put(END);
    } catch (IOException e) {
      ended = true;
      chunks.offer(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The client has closed its end (everything it sent before may still be unread). */
  boolean ended() {
    return ended;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (position == current.length && !next()) {
      return -1;
    }
    int n = Math.min(len, current.length - position);
    System.arraycopy(current, position, b, off, n);
    position += n;
    return n;
  }

  @Override
  public int available() {
    return current.length - position;
  }

  private boolean next() throws IOException {
    if (finished) {
      return false;
    }
    Object chunk;
    try {
      chunk = chunks.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while reading from the client");
    }
    if (chunk == null) {
      throw new SocketTimeoutException("no data from the client for " + timeout);
    }
    if (chunk instanceof IOException e) {
      finished = true;
      throw e;
    }
    if (chunk == END) {
      finished = true;
      return false;
    }
    current = (byte[]) chunk;
    position = 0;
    return true;
  }
}
