package dev.crossfarm.front;

import dev.crossfarm.daemon.protocol.ProtocolException;
import dev.crossfarm.daemon.protocol.ProtocolReader;
import dev.crossfarm.daemon.protocol.Token;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One attempt of a job on a volunteer: the client's request sent again byte for byte, and the
 * volunteer's reply read whole and checked packet by packet ({@code DONE, STAT, SERR, SOUT, DOTO}
 * and {@code DOTD} after a pump job that succeeded) into a spool, before the client sees any of it.
 * So a volunteer that dies, stalls or sends garbage half-way costs a retry, never a broken reply.
 */
final class Forwarding {

  private final Duration connectTimeout;
  private final Duration replyTimeout;
  private final long maxItemBytes;
  private final Path spoolDir;
  private final int spoolInMemory;

  /**
   * @param replyTimeout longest silence of a volunteer, compiling included (its reply comes after
   *     the compile)
   * @param maxItemBytes the longest packet body a reply may carry
   */
  Forwarding(
      Duration connectTimeout,
      Duration replyTimeout,
      long maxItemBytes,
      Path spoolDir,
      int spoolInMemory) {
    this.connectTimeout = connectTimeout;
    this.replyTimeout = replyTimeout;
    this.maxItemBytes = maxItemBytes;
    this.spoolDir = spoolDir;
    this.spoolInMemory = spoolInMemory;
  }

  /** A volunteer's whole reply: its status and its bytes, to be sent on as they are. */
  record Reply(int waitStatus, Spool bytes) {}

  Reply send(Lease lease, int version, Spool request) throws VolunteerFailure {
    VolunteerAddress to = lease.volunteer.address;
    Spool reply = new Spool(spoolDir, spoolInMemory);
    try (Socket socket = new Socket()) {
      lease.attach(socket);
      try {
        socket.connect(new InetSocketAddress(to.host(), to.port()), millis(connectTimeout));
      } catch (IOException e) {
        throw new VolunteerFailure(
            VolunteerFailure.Kind.UNREACHABLE, "cannot connect: " + e.getMessage());
      }
      socket.setSoTimeout(millis(replyTimeout));
      socket.setTcpNoDelay(true);
      // the connection stays open both ways until the reply is read: a volunteer takes a closed
      // input as its client giving up, and stops the compile
      request.replay(new BufferedOutputStream(socket.getOutputStream(), 16 * 1024));
      ProtocolReader in = new ProtocolReader(new TeeInput(socket.getInputStream(), reply));
      long done = in.readParameter(Token.DONE);
      if (done != version) {
        throw new ProtocolException("answered protocol " + done + " to a request of " + version);
      }
      long status = in.readParameter(Token.STAT);
      if (status > 0xffff) {
        throw new ProtocolException("status " + status + " is not a wait status");
      }
      item(in, Token.SERR);
      item(in, Token.SOUT);
      item(in, Token.DOTO);
      if (version == 3 && status == 0) {
        item(in, Token.DOTD);
      }
      return new Reply((int) status, reply);
    } catch (VolunteerFailure f) {
      closeQuietly(reply);
      throw f;
    } catch (ProtocolException e) {
      closeQuietly(reply);
      throw new VolunteerFailure(
          VolunteerFailure.Kind.GARBAGE, "its reply broke the protocol: " + e.getMessage());
    } catch (SocketTimeoutException e) {
      closeQuietly(reply);
      throw new VolunteerFailure(
          VolunteerFailure.Kind.STALLED,
          "no reply for " + replyTimeout.toSeconds() + " s (--volunteer-timeout)");
    } catch (IOException e) {
      closeQuietly(reply);
      String why = lease.aborted();
      throw new VolunteerFailure(
          VolunteerFailure.Kind.DROPPED,
          why != null
              ? why
              : e instanceof EOFException
                  ? "it closed the connection before its reply was whole"
                  : "the connection failed before its reply was whole: " + e.getMessage());
    }
  }

  private void item(ProtocolReader in, String token) throws IOException {
    long length = in.readParameter(token);
    if (length > maxItemBytes) {
      throw new ProtocolException(
          token + " of " + length + " bytes is over the limit of " + maxItemBytes);
    }
    in.skipBody(length);
  }

  private static int millis(Duration d) {
    return (int) Math.min(Integer.MAX_VALUE, d.toMillis());
  }

  private static void closeQuietly(Spool s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // a spool file left in the front's spool directory is removed at the next start
    }
  }
}
