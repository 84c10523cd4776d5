package dev.crossfarm.front;

import dev.crossfarm.daemon.ExitCode;
import dev.crossfarm.daemon.job.JobRefusedException;
import dev.crossfarm.daemon.log.JobSummary;
import dev.crossfarm.daemon.log.JobSummary.Result;
import dev.crossfarm.daemon.protocol.ProtocolException;
import dev.crossfarm.daemon.protocol.ProtocolReader;
import dev.crossfarm.daemon.protocol.ProtocolWriter;
import dev.crossfarm.daemon.protocol.ReplyWriter;
import dev.crossfarm.daemon.protocol.RequestReader;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client's job through the front: read the whole request (refusing what a volunteer would),
 * place it, send it, and when the volunteer fails before its reply is whole, place it again on
 * another; then the volunteer's reply goes to the client exactly as it came. The log line is
 * stock's, with the real client's address, and says which volunteer answered.
 */
final class FrontConnection {

  private static final Logger log = LoggerFactory.getLogger("dcc_front");

  /** What every connection of one front shares. */
  record Services(
      FrontConfig config,
      Intake intake,
      Placement placement,
      Forwarding forwarding,
      ClientBook clients,
      ClientWatch clientWatch,
      AtomicLong retries,
      Consumer<JobSummary> summaries) {}

  private final Socket socket;
  private final InetSocketAddress client;
  private final Services services;
  private final long started = System.nanoTime();
  private String compiler;
  private String source;

  FrontConnection(Socket socket, Services services) {
    this.socket = socket;
    this.client = (InetSocketAddress) socket.getRemoteSocketAddress();
    this.services = services;
  }

  void serve() throws IOException {
    FrontConfig config = services.config();
    try (Spool request = new Spool(config.spoolDir(), SPOOL_IN_MEMORY)) {
      ProtocolReader in = new ProtocolReader(new TeeInput(socket.getInputStream(), request));
      ProtocolWriter out =
          new ProtocolWriter(new BufferedOutputStream(socket.getOutputStream(), 16 * 1024));
      RequestReader requests = new RequestReader(in, config.limits());
      if (!config.allow().permits(client.getAddress())) {
        log.warn("{}: not on the allow-list ({}); refused", text(), config.allow());
        try {
          requests.readVersion();
        } catch (IOException e) {
          return;
        }
        refuse(
            out,
            requests.version(),
            ExitCode.ACCESS_DENIED,
            "access denied: "
                + client.getAddress().getHostAddress()
                + " is not allowed on this front; its owner can add it with --allow",
            in);
        return;
      }
      Job job;
      try {
        job =
            services
                .intake()
                .read(
                    requests,
                    (named, file) -> {
                      compiler = named;
                      source = file;
                    });
      } catch (JobRefusedException refused) {
        log.info("{}: {}", text(), refused.getMessage());
        refuse(out, requests.version(), refused.exitCode(), refused.getMessage(), in);
        return;
      } catch (EOFException e) {
        if (requests.version() > 0) {
          summary(Result.CLI_DISCONN, 0, ExitCode.TRUNCATED, in.bytesRead(), 0, null);
        }
        return;
      } catch (ProtocolException e) {
        log.warn("{}: protocol error: {}", text(), e.getMessage());
        refuse(
            out,
            requests.version(),
            ExitCode.PROTOCOL_ERROR,
            "protocol error: " + e.getMessage(),
            in);
        return;
      } catch (SocketTimeoutException e) {
        log.warn("{}: no data from the client for {}; dropped", text(), config.ioTimeout());
        summary(Result.CLI_DISCONN, 0, ExitCode.IO_ERROR, in.bytesRead(), 0, null);
        return;
      }
      source = job.source();
      forward(job, request, out, in.bytesRead());
    }
  }

  /** Places the job until a volunteer answers it whole, or none can; then answers the client. */
  private void forward(Job job, Spool request, ProtocolWriter out, long bytesIn) {
    Set<Volunteer> tried = new HashSet<>();
    long deadline = System.nanoTime() + services.config().queueTimeout().toNanos();
    while (true) {
      Lease lease;
      AtomicBoolean left = new AtomicBoolean();
      services.clientWatch().watch(socket, () -> left.set(true));
      try {
        lease = services.placement().place(job, tried, deadline, left::get);
      } catch (Placement.NoVolunteer none) {
        log.warn("{}: {} {}: {}", text(), compiler, source, none.getMessage());
        refuse(out, job.version(), ExitCode.DISTCC_FAILED, none.getMessage(), null);
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } finally {
        services.clientWatch().unwatch(socket);
      }
      if (lease == null) {
        log.info(
            "{}: {} {}: the client went away while its job waited for a volunteer",
            text(),
            compiler,
            source);
        summary(Result.CLI_DISCONN, 0, ExitCode.IO_ERROR, bytesIn, 0, null);
        return;
      }
      Volunteer v = lease.volunteer;
      services
          .clients()
          .placed(
              client.getAddress().getHostAddress(),
              job.clientMajor(),
              majorOf(v),
              System.currentTimeMillis());
      long attempt = System.nanoTime();
      Forwarding.Reply reply;
      Lease placed = lease;
      services.clientWatch().watch(socket, () -> placed.abort(ClientWatch.CLIENT_GONE));
      try {
        reply = services.forwarding().send(lease, job.version(), request);
      } catch (VolunteerFailure failure) {
        if (ClientWatch.CLIENT_GONE.equals(lease.aborted())) {
          services.placement().cancelled(lease);
          log.info(
              "{}: {} {}: the client went away; its job on {} stopped",
              text(),
              compiler,
              source,
              v);
          summary(Result.CLI_DISCONN, 0, ExitCode.IO_ERROR, bytesIn, 0, v.toString());
          return;
        }
        services.placement().failed(lease, failure);
        services.retries().incrementAndGet();
        tried.add(v);
        log.warn(
            "{}: {} {}: volunteer {} failed ({}); the job goes to another",
            text(),
            compiler,
            source,
            v,
            failure.getMessage());
        continue;
      } finally {
        services.clientWatch().unwatch(socket);
      }
      services.placement().answered(lease, job, reply.waitStatus(), System.nanoTime() - attempt);
      try (Spool bytes = reply.bytes()) {
        OutputStream to = socket.getOutputStream();
        bytes.replay(to);
        summary(
            reply.waitStatus() == 0 ? Result.COMPILE_OK : Result.COMPILE_ERROR,
            reply.waitStatus(),
            0,
            bytesIn,
            bytes.length(),
            v + (lease.affine ? " affinity" : ""));
      } catch (IOException e) {
        log.warn("{}: could not send the reply: {}", text(), e.getMessage());
        summary(Result.CLI_DISCONN, 0, ExitCode.IO_ERROR, bytesIn, 0, v.toString());
      }
      return;
    }
  }

  private static int majorOf(Volunteer v) {
    return Placement.majorOf(v.compilerVersion);
  }

  /** A refusal in the client's protocol version, as a volunteer sends it: the client shows it. */
  private void refuse(
      ProtocolWriter out, int version, int exitCode, String message, ProtocolReader in) {
    if (version > 0) {
      try {
        new ReplyWriter(out)
            .writeRefusal(
                version,
                exitCode,
                "crossfarm front (" + services.config().toolchain().name() + "): " + message);
      } catch (IOException gone) {
        log.debug("{}: could not send the refusal: {}", text(), gone.getMessage());
      }
    }
    summary(
        exitCode == ExitCode.DISTCC_FAILED ? Result.OTHER : Result.REJ_BAD_REQ,
        0,
        exitCode,
        in == null ? 0 : in.bytesRead(),
        out.bytesWritten(),
        null);
  }

  private void summary(
      Result result, int waitStatus, int ret, long bytesIn, long bytesOut, String volunteer) {
    JobSummary s =
        new JobSummary(
            client,
            result,
            waitStatus,
            ret,
            (System.nanoTime() - started) / 1_000_000,
            compiler,
            source,
            bytesIn,
            bytesOut,
            false);
    services.summaries().accept(s);
    if (volunteer != null) {
      log.info("{} on {}", s.line(), volunteer);
    } else {
      log.info("{}", s.line());
    }
  }

  private String text() {
    return JobSummary.describe(client);
  }

  /** Requests and replies up to this size stay in memory; larger ones go to the spool dir. */
  static final int SPOOL_IN_MEMORY = 256 * 1024;
}
