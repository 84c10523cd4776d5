package dev.crossfarm.daemon.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TimedInputTest {

  @Test
  void passesEveryByteThroughInOrderThenEnds() throws IOException {
    byte[] data = new byte[300_000];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i * 31);
    }
    TimedInput in = new TimedInput(new ByteArrayInputStream(data), Duration.ofSeconds(30));
    assertArrayEquals(data, in.readAllBytes());
    assertEquals(-1, in.read());
    assertTrue(in.ended());
  }

  @Test
  void aReadThatWaitsPastTheTimeoutFailsAsASocketReadWould() throws IOException {
    PipedOutputStream client = new PipedOutputStream();
    TimedInput in = new TimedInput(new PipedInputStream(client), Duration.ofMillis(200));
    client.write('x');
    client.flush();
    assertEquals('x', in.read());
    assertThrows(SocketTimeoutException.class, in::read);
    assertFalse(in.ended(), "the client is still there, it only sent nothing");
  }

  @Test
  void notesTheClientLeavingWhileNothingIsRead() throws Exception {
    PipedOutputStream client = new PipedOutputStream();
    TimedInput in = new TimedInput(new PipedInputStream(client), Duration.ofSeconds(30));
    assertFalse(in.ended());
    client.close();
    for (int i = 0; i < 200 && !in.ended(); i++) {
      Thread.sleep(10);
    }
    assertTrue(in.ended());
  }

  @Test
  void readsAheadOnlyABoundedAmountOfAFloodingClient() throws Exception {
    AtomicLong served = new AtomicLong();
    InputStream endless =
        new InputStream() {
          @Override
          public int read() {
            served.incrementAndGet();
            return 'A';
          }

          @Override
          public int read(byte[] b, int off, int len) {
            served.addAndGet(len);
            Arrays.fill(b, off, off + len, (byte) 'A');
            return len;
          }
        };
    TimedInput in = new TimedInput(endless, Duration.ofSeconds(30));
    Thread.sleep(300);
    // the queue's chunks, the one the reader holds, and the one it is putting
    long bound = (long) TimedInput.CHUNK * (TimedInput.CHUNKS + 2);
    assertTrue(served.get() <= bound, served.get() + " bytes taken from the client");
    assertEquals('A', in.read());
  }
}
