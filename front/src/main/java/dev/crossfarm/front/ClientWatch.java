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
 * The clients whose jobs wait in the queue or are on volunteers, looked at every second: for one
 * that went away (make interrupted, its client timed out), a queued job leaves the queue, and an
 * attempt is aborted, so that the volunteer, seeing the front's connection close, stops the compile
 * as it does for a client of its own. A client sends nothing after its request, so a read that ends
 * the stream is the only thing to look for. A client still there costs the sweep up to a
 * millisecond of waiting: about half a second at the default 512 connections.
 */
final class ClientWatch implements AutoCloseable {

  /** Why an attempt was aborted when its client left: no retry follows. */
  static final String CLIENT_GONE = "the client went away";

  private final Map<Socket, Runnable> watched = new ConcurrentHashMap<>();
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

  /**
   * Runs {@code onGone} once, from the sweeper's thread, if the client goes away before unwatch.
   */
  void watch(Socket client, Runnable onGone) {
    watched.put(client, onGone);
  }

  void unwatch(Socket client) {
    watched.remove(client);
  }

  private void sweep() {
    watched.forEach(
        (client, onGone) -> {
          if (gone(client) && watched.remove(client, onGone)) {
            onGone.run();
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
