package dev.crossfarm.front;

import java.io.IOException;
import java.net.Socket;

/**
 * One attempt of one job on one volunteer, from placement to its end. The placement can abort it
 * (its volunteer stopped answering): the connection is closed under the attempt, which then fails
 * and the job goes elsewhere.
 */
final class Lease {

  final Volunteer volunteer;

  /** Placed there because that volunteer answered the same job before (its cache has it). */
  final boolean affine;

  private Socket socket;
  private String aborted;

  Lease(Volunteer volunteer, boolean affine) {
    this.volunteer = volunteer;
    this.affine = affine;
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
