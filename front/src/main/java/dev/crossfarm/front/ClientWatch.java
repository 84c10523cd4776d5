package dev.crossfarm.front;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The clients whose jobs are on volunteers, looked at every second: one that went away (make
 * interrupted, its client timed out) has its attempt aborted, and the volunteer, seeing the front's
 * connection close, stops the compile as it does for a client of its own. A client sends nothing
 * after its request, so a read that ends the stream is the only thing to look for.
 */
final class ClientWatch implements AutoCloseable {

  /** Why an attempt was aborted when its client left: no retry follows. */
  static final String CLIENT_GONE = "the client went away";

  private final Map<Socket, Lease> watched = new ConcurrentHashMap<>();
  private final ScheduledExecutorService sweeper =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "client-watch");
            t.setDaemon(true);
            return t;
          });

  ClientWatch() {
    sweeper.scheduleWithFixedDelay(this::sweep, 1, 1, TimeUnit.SECONDS);
  }

  void watch(Socket client, Lease lease) {
    watched.put(client, lease);
  }

  void unwatch(Socket client) {
    watched.remove(client);
  }

  private void sweep() {
    watched.forEach(
        (client, lease) -> {
          if (gone(client)) {
            watched.remove(client);
            lease.abort(CLIENT_GONE);
          }
        });
  }

  /** Whether the client closed its side; waits a millisecond at most. */
  static boolean gone(Socket client) {
    try {
      int saved = client.getSoTimeout();
      client.setSoTimeout(1);
      try {
        return client.getInputStream().read() < 0;
      } finally {
        client.setSoTimeout(saved);
      }
    } catch (SocketTimeoutException stillThere) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  @Override
  public void close() {
    sweeper.shutdownNow();
  }
}
