package dev.crossfarm.daemon.server;

import dev.crossfarm.daemon.ExitCode;
import dev.crossfarm.daemon.auth.GssAuthenticator;
import dev.crossfarm.daemon.cache.CacheKey;
import dev.crossfarm.daemon.cache.CachedResult;
import dev.crossfarm.daemon.cache.CompileOnce;
import dev.crossfarm.daemon.cache.CompilerIdentity;
import dev.crossfarm.daemon.cache.ResultCache;
import dev.crossfarm.daemon.drift.VersionDrift;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * One job, start to finish (stock distccd's {@code serve.c}): read the request, ask the policy,
 * resolve the compiler, read the input, check the client's compiler version, look in the result
 * cache, wait for a slot, run the compiler, check the object, write the reply, store it in the
 * cache, remove the job's directory. Each step is a call into a class of its own and ends in an
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
      ResultCache cache,
      CompilerIdentity identity,
      CompileOnce once,
      VersionDrift drift,
      Consumer<JobSummary> summaries) {

    /** What one volunteer's connections share, made once from its configuration. */
    static Services of(
        DaemonConfig config,
        ToolchainCatalog catalog,
        RunningJobs running,
        Consumer<JobSummary> summaries)
        throws IOException {
      ResultCache cache =
          config.cacheDir() == null
              ? ResultCache.off()
              : ResultCache.open(config.cacheDir(), config.cacheBytes());
      CompilerProcess compiler = new CompilerProcess(config.jobLifetime(), config.locale());
      return new Services(
          config,
          new ArgumentPolicy(),
          new CompilerResolver(config.toolchain(), catalog),
          new ObjectCheck(config.toolchain().toolchain().elf()),
          compiler,
          new JobDirectory.Factory(config.jobRoot()),
          new JobSlots(config.jobs()),
          running,
          cache,
          new CompilerIdentity(cache.identities(), compiler::environment),
          new CompileOnce(),
          new VersionDrift(config.versionDrift(), config.toolchain().version()),
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

  /** This job compiles its key for everyone (held until its result is stored), or null. */
  private CompileOnce.Lead lead;

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
      try {
        conclude(run(job, workspace), job);
      } finally {
        if (lead != null) {
          lead.close(); // after the store: the jobs that waited for it find the result
        }
      }
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
      job.describe(compiler, request.sourceGuess());
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
    Received received;
    try {
      received = work.receive(requests, dir, paths);
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
    CacheKey key = null;
    if (received.source() != null) {
      String drifted =
          services
              .drift()
              .check(
                  client.getAddress() == null ? clientText() : client.getAddress().getHostAddress(),
                  received.source().client(),
                  System.currentTimeMillis());
      if (drifted != null) {
        return new Outcome.Refused(
            Result.REJ_BAD_REQ, ExitCode.COMPILER_MISSING, 0, drifted, Level.INFO);
      }
      key = cacheKey(work, resolved, received.source());
      while (key != null) {
        // a hit is answered before the slots: it needs no compiler
        Optional<CachedResult> hit = services.cache().lookup(key);
        if (hit.isPresent()) {
          if (lead != null) {
            lead.stored(); // its result is in the cache: duplicates waiting for it find it there
          }
          job.phase(RunningJobs.Phase.SEND);
          return new Outcome.Cached(hit.get());
        }
        if (lead != null) {
          break; // looked once more after taking the lead: a lead that stored just before it
        }
        // the same job compiling for another client: wait for its result rather than compile it
        // twice; if it stores none, this job leads on the next turn
        lead = services.once().leadOrWait(key, services.config().jobLifetime());
      }
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
                  received.cwd(),
                  dir.path(),
                  dir.file("stdout"),
                  dir.file("stderr"),
                  () -> peer.closed(in));
    }
    job.phase(RunningJobs.Phase.SEND);
    if (ran instanceof CompilerProcess.Exited exited) {
      return answer(work, exited.waitStatus(), dir, paths, key);
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

  /** The job's cache key, or null when the cache is off or the compiler cannot be identified. */
  private CacheKey cacheKey(
      CompileJob work, CompilerResolver.Resolved resolved, Received.Source source) {
    if (!services.cache().enabled()) {
      return null;
    }
    try {
      return CacheKey.of(
          services.identity().of(resolved.executable()), work.command(), source.digest());
    } catch (IOException e) {
      log.warn(
          "{}: {} cannot be identified, so its result is not cached: {}",
          clientText(),
          resolved.executable(),
          e.getMessage());
      return null;
    }
  }

  private Outcome answer(
      CompileJob work,
      int waitStatus,
      JobDirectory dir,
      CompileCommand.JobPaths paths,
      CacheKey key)
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
    CacheKey storeAs =
        key != null && waitStatus == 0 && !namesJob(dir, stderr, paths.output()) ? key : null;
    return new Outcome.Answered(
        waitStatus, stderr, dir.file("stdout"), paths.output(), dependencies, storeAs);
  }

  /**
   * Whether a result spells out its job's directory (a {@code -g} source without the client's
   * working directory marker, a diagnostic about the job's file): the next client would get this
   * job's path, so it is not cached.
   */
  private static boolean namesJob(JobDirectory dir, byte[] stderr, Path object) throws IOException {
    byte[] path = dir.path().toString().getBytes(StandardCharsets.UTF_8);
    return contains(stderr, path) || contains(Files.readAllBytes(object), path);
  }

  private static boolean contains(byte[] data, byte[] part) {
    outer:
    for (int i = 0; i <= data.length - part.length; i++) {
      for (int j = 0; j < part.length; j++) {
        if (data[i + j] != part[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
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
            job,
            a.waitStatus() == 0 ? Result.COMPILE_OK : Result.COMPILE_ERROR,
            a.waitStatus(),
            0,
            false);
        if (a.storeAs() != null) {
          // after the reply: the client does not wait for the store
          if (services.cache().store(a.storeAs(), a.stderr(), a.stdout(), a.object())
              && lead != null) {
            lead.stored();
          }
        }
      } catch (IOException e) {
        log.warn("{}: {}", clientText(), e.getMessage());
        summary(job, Result.CLI_DISCONN, 0, ExitCode.IO_ERROR, false);
      }
    } else if (outcome instanceof Outcome.Cached c) {
      try {
        reply.writeCached(
            requests.version(), c.result().stderr(), c.result().stdout(), c.result().object());
        summary(job, Result.COMPILE_OK, 0, 0, true);
      } catch (IOException e) {
        log.warn("{}: {}", clientText(), e.getMessage());
        summary(job, Result.CLI_DISCONN, 0, ExitCode.IO_ERROR, true);
      }
    } else if (outcome instanceof Outcome.Refused r) {
      logAt(r.level(), job, r.message());
      if (requests.version() > 0) {
        tryRefusal(r.exitCode(), r.message());
      }
      summary(job, r.result(), r.waitStatus(), r.exitCode(), false);
    } else if (outcome instanceof Outcome.Dropped d) {
      logAt(d.level(), job, d.why());
      summary(job, d.result(), 0, d.exitCode(), false);
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

  private void summary(
      RunningJobs.Job job, Result result, int waitStatus, int ret, boolean cached) {
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
                out.bytesWritten(),
                cached));
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
