package dev.crossfarm.daemon.server;

import dev.crossfarm.daemon.ExitCode;
import dev.crossfarm.daemon.auth.GssAuthenticator;
import dev.crossfarm.daemon.job.ArgumentPolicy;
import dev.crossfarm.daemon.job.CompileCommand;
import dev.crossfarm.daemon.job.CompilerProcess;
import dev.crossfarm.daemon.job.CompilerResolver;
import dev.crossfarm.daemon.job.JobDirectory;
import dev.crossfarm.daemon.job.JobRefusedException;
import dev.crossfarm.daemon.job.ObjectCheck;
import dev.crossfarm.daemon.log.JobSummary;
import dev.crossfarm.daemon.log.JobSummary.Result;
import dev.crossfarm.daemon.protocol.ProtocolException;
import dev.crossfarm.daemon.protocol.ProtocolReader;
import dev.crossfarm.daemon.protocol.ProtocolWriter;
import dev.crossfarm.daemon.protocol.ReplyWriter;
import dev.crossfarm.daemon.protocol.Request;
import dev.crossfarm.daemon.protocol.RequestReader;
import dev.crossfarm.toolchain.ToolchainCatalog;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * One job, start to finish (stock distccd's {@code serve.c}): read the request, ask the policy,
 * resolve the compiler, read the input, wait for a slot, run the compiler, check the object, write
 * the reply, remove the job's directory. Each step is a call into a class of its own and ends in an
 * {@link Outcome}; {@link #conclude} is the one place that answers the client, logs and writes the
 * job's summary.
 */
final class Connection {

  private static final Logger log = LoggerFactory.getLogger("dcc_serve");

  /** Everything a connection borrows from the daemon. */
  record Services(
      DaemonConfig config,
      ArgumentPolicy policy,
      CompilerResolver resolver,
      ObjectCheck objectCheck,
      CompilerProcess compiler,
      JobDirectory.Factory directories,
      JobSlots slots,
      RunningJobs running,
      Consumer<JobSummary> summaries) {

    /** What one volunteer's connections share, made once from its configuration. */
    static Services of(
        DaemonConfig config,
        ToolchainCatalog catalog,
        RunningJobs running,
        Consumer<JobSummary> summaries)
        throws IOException {
      return new Services(
          config,
          new ArgumentPolicy(),
          new CompilerResolver(config.toolchain(), catalog),
          new ObjectCheck(config.toolchain().toolchain().elf()),
          new CompilerProcess(config.jobLifetime()),
          new JobDirectory.Factory(config.jobRoot()),
          new JobSlots(config.jobs()),
          running,
          summaries);
    }
  }

  private final Peer peer;
  private final InetSocketAddress client;
  private final Services services;
  private final long started = System.nanoTime();
  private final ProtocolReader in;
  private final ProtocolWriter out;
  private final RequestReader requests;
  private final ReplyWriter reply;

  Connection(Peer peer, Services services) throws IOException {
    this.peer = peer;
    this.client = peer.address();
    this.services = services;
    this.in = new ProtocolReader(peer.in());
    this.out = new ProtocolWriter(new BufferedOutputStream(peer.out(), 64 * 1024));
    this.requests = new RequestReader(in, services.config().limits());
    this.reply = new ReplyWriter(out);
  }

  void serve() throws IOException {
    try (RunningJobs.Job job = services.running().start(client);
        Workspace workspace = new Workspace(services.directories())) {
      conclude(run(job, workspace), job);
    }
  }

  /** Every step up to the reply; whatever happens, an outcome. */
  private Outcome run(RunningJobs.Job job, Workspace workspace) {
    try {
      if (peer.screenedByAllowList() && !services.config().allow().permits(client.getAddress())) {
        return refuseAddress();
      }
      if (services.config().auth() != null) {
        GssAuthenticator.Outcome login = services.config().auth().authenticate(in, out);
        if (!login.admitted()) {
          // the authenticator answered the client as stock does
          return new Outcome.Dropped(
              Result.REJ_BAD_REQ,
              ExitCode.GSSAPI_FAILED,
              "login refused: " + login.reason(),
              Level.WARN);
        }
        log.info("{}: authenticated as {}", clientText(), login.principal());
      }
      requests.readVersion();
      String clientCwd = requests.version() == 3 ? requests.readWorkingDirectory() : null;
      Request request = requests.readArguments();
      String compiler = request.argv().get(0);
      job.describe(compiler, guessSource(request));
      CompileJob work;
      CompilerResolver.Resolved resolved;
      try {
        resolved = services.resolver().resolve(compiler);
        work =
            clientCwd == null
                ? new PlainJob(services.policy().check(resolved.name(), request.argv()))
                : new PumpJob(
                    services.policy().checkPump(resolved.name(), request.argv(), clientCwd),
                    clientCwd);
      } catch (JobRefusedException refused) {
        requests.skipInput();
        return Outcome.Refused.of(refused, Level.INFO);
      }
      job.describe(compiler, work.command().sourceName());
      return compile(work, resolved, job, workspace.create());
    } catch (EOFException e) {
      // before a version: a probe; after it, the client gave up before its input came, because
      // its own preprocessor failed (stock: quiet)
      return requests.version() == 0
          ? new Outcome.Silent()
          : new Outcome.Dropped(Result.CLI_DISCONN, ExitCode.TRUNCATED, null, null);
    } catch (ProtocolException e) {
      return new Outcome.Refused(
          Result.REJ_BAD_REQ,
          ExitCode.PROTOCOL_ERROR,
          0,
          "protocol error: " + e.getMessage(),
          Level.WARN);
    } catch (SocketTimeoutException e) {
      return new Outcome.Dropped(
          Result.CLI_DISCONN,
          ExitCode.IO_ERROR,
          "no data from the client for " + services.config().ioTimeout() + "; dropped",
          Level.WARN);
    } catch (IOException e) {
      return new Outcome.Dropped(
          Result.CLI_DISCONN, ExitCode.IO_ERROR, String.valueOf(e.getMessage()), Level.WARN);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Outcome.Dropped(Result.OTHER, ExitCode.DISTCC_FAILED, "interrupted", Level.INFO);
    } catch (RuntimeException e) {
      log.error("{}: internal error", clientText(), e);
      return new Outcome.Dropped(Result.OTHER, ExitCode.DISTCC_FAILED, null, null);
    }
  }

  /**
   * A client outside --allow: nothing of its request is used, but it gets a refusal in its own
   * protocol version, so the stock client backs off instead of retrying forever.
   */
  private Outcome refuseAddress() {
    log.warn("{}: not on the allow-list ({}); refused", clientText(), services.config().allow());
    try {
      requests.readVersion();
    } catch (IOException e) {
      return new Outcome.Silent();
    }
    return new Outcome.Refused(
        Result.REJ_BAD_REQ,
        ExitCode.ACCESS_DENIED,
        0,
        "access denied: "
            + client.getAddress().getHostAddress()
            + " is not allowed on this volunteer; its owner can add it with --allow",
        null);
  }

  private Outcome compile(
      CompileJob work, CompilerResolver.Resolved resolved, RunningJobs.Job job, JobDirectory dir)
      throws IOException, InterruptedException {
    CompileCommand.JobPaths paths = work.paths(dir);
    Path cwd;
    try {
      cwd = work.receive(requests, dir, paths);
    } catch (JobRefusedException refused) {
      // a name or link that would leave the job: refused, and nothing more is read
      return Outcome.Refused.of(refused, Level.WARN);
    } catch (IOException e) {
      if (isFull(e)) {
        return new Outcome.Refused(
            Result.OTHER,
            ExitCode.IO_ERROR,
            0,
            "no space left for the job's files on this volunteer: " + e.getMessage(),
            Level.ERROR);
      }
      throw e;
    }
    CompilerProcess.Outcome ran;
    job.phase(RunningJobs.Phase.QUEUED);
    try (JobSlots.Slot slot = services.slots().acquire()) {
      job.phase(RunningJobs.Phase.COMPILE);
      ran =
          services
              .compiler()
              .run(
                  work.command().commandLine(resolved.executable(), paths),
                  cwd,
                  dir.path(),
                  dir.file("stdout"),
                  dir.file("stderr"),
                  () -> peer.closed(in));
    }
    job.phase(RunningJobs.Phase.SEND);
    if (ran instanceof CompilerProcess.Exited exited) {
      return answer(work, exited.waitStatus(), dir, paths);
    }
    if (ran instanceof CompilerProcess.TimedOut t) {
      return new Outcome.Refused(
          Result.COMPILE_TIMEOUT,
          ExitCode.TIMEOUT,
          ExitCode.TIMEOUT << 8,
          "the compile ran past --job-lifetime ("
              + t.after().toSeconds()
              + "s) and was killed on the volunteer",
          null);
    }
    // the client went away: nobody to answer
    return new Outcome.Dropped(Result.CLI_DISCONN, ExitCode.IO_ERROR, null, null);
  }

  private Outcome answer(
      CompileJob work, int waitStatus, JobDirectory dir, CompileCommand.JobPaths paths)
      throws IOException {
    byte[] stderr = Files.readAllBytes(dir.file("stderr"));
    if (waitStatus == 0 && !work.command().assemblyOnly()) {
      try {
        services.objectCheck().verify(paths.output());
      } catch (JobRefusedException wrong) {
        return new Outcome.Refused(
            Result.OTHER, wrong.exitCode(), 0, wrong.getMessage(), Level.ERROR);
      }
    }
    byte[] dependencies = waitStatus == 0 ? work.finish(paths) : null;
    return new Outcome.Answered(
        waitStatus, stderr, dir.file("stdout"), paths.output(), dependencies);
  }

  /** The one place a job's outcome is written: the reply or refusal, the log, the summary. */
  private void conclude(Outcome outcome, RunningJobs.Job job) {
    if (outcome instanceof Outcome.Silent) {
      log.debug("{}: closed without a request", clientText());
    } else if (outcome instanceof Outcome.Answered a) {
      try {
        reply.writeResult(
            requests.version(),
            a.waitStatus(),
            a.stderr(),
            a.stdout(),
            a.object(),
            a.dependencies());
        summary(
            job, a.waitStatus() == 0 ? Result.COMPILE_OK : Result.COMPILE_ERROR, a.waitStatus(), 0);
      } catch (IOException e) {
        log.warn("{}: {}", clientText(), e.getMessage());
        summary(job, Result.CLI_DISCONN, 0, ExitCode.IO_ERROR);
      }
    } else if (outcome instanceof Outcome.Refused r) {
      logAt(r.level(), job, r.message());
      if (requests.version() > 0) {
        tryRefusal(r.exitCode(), r.message());
      }
      summary(job, r.result(), r.waitStatus(), r.exitCode());
    } else if (outcome instanceof Outcome.Dropped d) {
      logAt(d.level(), job, d.why());
      summary(job, d.result(), 0, d.exitCode());
    }
  }

  private void logAt(Level level, RunningJobs.Job job, String message) {
    if (level != null && message != null) {
      String what = job.compiler() == null ? "" : job.compiler() + " " + job.source() + ": ";
      log.atLevel(level).log("{}: {}{}", clientText(), what, message);
    }
  }

  private void tryRefusal(int exitCode, String message) {
    try {
      reply.writeRefusal(
          requests.version(),
          exitCode,
          "crossfarm volunteer ("
              + services.config().toolchain().toolchain().name()
              + "): "
              + message);
    } catch (IOException gone) {
      log.debug("{}: could not send the refusal: {}", clientText(), gone.getMessage());
    }
  }

  private static boolean isFull(IOException e) {
    String m = String.valueOf(e.getMessage());
    return m.contains("No space left") || m.contains("Disk quota");
  }

  /** The source name of a request the policy has not read yet: the first non-option word. */
  private static String guessSource(Request request) {
    for (int i = 1; i < request.argv().size(); i++) {
      String a = request.argv().get(i);
      if (a.equals("-o")) {
        i++;
      } else if (!a.startsWith("-")) {
        return a;
      }
    }
    return null;
  }

  private void summary(RunningJobs.Job job, Result result, int waitStatus, int ret) {
    long millis = (System.nanoTime() - started) / 1_000_000;
    services
        .summaries()
        .accept(
            new JobSummary(
                client,
                result,
                waitStatus,
                ret,
                millis,
                job.compiler(),
                job.source(),
                in.bytesRead(),
                out.bytesWritten()));
  }

  private String clientText() {
    return JobSummary.describe(client);
  }

  /** The job's directory: made when a job gets that far, removed once its reply is written. */
  private static final class Workspace implements AutoCloseable {
    private final JobDirectory.Factory factory;
    private JobDirectory dir;

    Workspace(JobDirectory.Factory factory) {
      this.factory = factory;
    }

    JobDirectory create() throws IOException {
      dir = factory.create();
      return dir;
    }

    @Override
    public void close() throws IOException {
      if (dir != null) {
        dir.close();
      }
    }
  }
}
