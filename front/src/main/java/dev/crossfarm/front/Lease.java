package dev.crossfarm.front;

import dev.crossfarm.daemon.cache.CacheKey;
import java.io.IOException;
import java.net.Socket;

/**
 * One attempt of one job on one volunteer, from placement to its end. The placement can abort it
 * (its volunteer stopped answering): the connection is closed under the attempt, which then fails
 * and the job goes elsewhere.
 */
final class Lease {

  final Volunteer volunteer;

  /** Placed there because that volunteer has the same job's result, or is compiling it. */
  final boolean affine;

  /** The job's affinity key, or null. */
  final CacheKey key;

  private Socket socket;
  private String aborted;

  Lease(Volunteer volunteer, boolean affine, CacheKey key) {
    this.volunteer = volunteer;
    this.affine = affine;
    this.key = key;
  }

  /** The attempt's connection, from before it connects: an abort closes it. */
  synchronized void attach(Socket s) throws IOException {
    if (aborted != null) {
      s.close();
      throw new IOException(aborted);
    }
    socket = s;
  }

  synchronized void abort(String why) {
    aborted = why;
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing is the point; the attempt sees its connection gone
      }
    }
  }

  /** Why the placement aborted the attempt, or null. */
  synchronized String aborted() {
    return aborted;
  }
}
