package dev.crossfarm.daemon.server;

import dev.crossfarm.daemon.ExitCode;
import dev.crossfarm.daemon.auth.GssAuthenticator;
import dev.crossfarm.daemon.job.ArgumentPolicy;
import dev.crossfarm.daemon.job.CompileCommand;
import dev.crossfarm.daemon.job.CompilerProcess;
import dev.crossfarm.daemon.job.CompilerResolver;
import dev.crossfarm.daemon.job.DebugPaths;
import dev.crossfarm.daemon.job.DependencyFile;
import dev.crossfarm.daemon.job.JobDirectory;
import dev.crossfarm.daemon.job.JobRefusedException;
import dev.crossfarm.daemon.job.JobRoot;
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
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One job, start to finish (stock distccd's {@code serve.c}): read the request, ask the policy,
 * resolve the compiler, read the source, wait for a slot, run the compiler, check the object, write
 * the reply, remove the job's directory. Each step is a call into a class of its own.
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

  private String compiler;
  private String source;
  private ProtocolReader in;
  private ProtocolWriter out;
  private RunningJobs.Job job;

  Connection(Peer peer, Services services) {
    this.peer = peer;
    this.client = peer.address();
    this.services = services;
  }

  void serve() throws IOException {
    in = new ProtocolReader(peer.in());
    out = new ProtocolWriter(new BufferedOutputStream(peer.out(), 64 * 1024));
    ReplyWriter reply = new ReplyWriter(out);
    RequestReader requests = new RequestReader(in, services.config().limits());
    try (RunningJobs.Job registered = services.running().start(client)) {
      job = registered;
      serve(requests, reply);
    }
  }

  private void serve(RequestReader requests, ReplyWriter reply) {
    try {
      if (peer.screenedByAllowList() && !services.config().allow().permits(client.getAddress())) {
        refuseAddress(requests, reply);
        return;
      }
      if (services.config().auth() != null && !authenticated()) {
        return;
      }
      requests.readVersion();
      String clientCwd = requests.version() == 3 ? requests.readWorkingDirectory() : null;
      Request request = requests.readArguments();
      compiler = request.argv().get(0);
      job.describe(compiler, guessSource(request));
      CompileCommand command;
      CompilerResolver.Resolved resolved;
      try {
        resolved = services.resolver().resolve(compiler);
        command =
            clientCwd == null
                ? services.policy().check(resolved.name(), request.argv())
                : services.policy().checkPump(resolved.name(), request.argv(), clientCwd);
        source = command.sourceName();
      } catch (JobRefusedException refused) {
        source = guessSource(request);
        refuse(reply, requests, refused.exitCode(), refused.getMessage(), true);
        return;
      }
      compile(request, command, resolved, clientCwd, requests, in, reply);
    } catch (EOFException e) {
      if (requests.version() == 0) {
        // connected and closed without a word: a port probe or health check, not a job
        log.debug("{}: closed without a request", clientText());
        return;
      }
      // the client gave up before the source came: its own preprocessor failed (stock: quiet)
      summary(Result.CLI_DISCONN, 0, ExitCode.TRUNCATED);
    } catch (ProtocolException e) {
      log.warn("{}: {}", clientText(), e.getMessage());
      if (requests.version() > 0) {
        tryRefusal(
            reply,
            requests.version(),
            ExitCode.PROTOCOL_ERROR,
            "protocol error: " + e.getMessage());
      }
      summary(Result.REJ_BAD_REQ, 0, ExitCode.PROTOCOL_ERROR);
    } catch (SocketTimeoutException e) {
      log.warn(
          "{}: no data from the client for {}; dropped",
          clientText(),
          services.config().ioTimeout());
      summary(Result.CLI_DISCONN, 0, ExitCode.IO_ERROR);
    } catch (IOException e) {
      log.warn("{}: {}", clientText(), e.getMessage());
      summary(Result.CLI_DISCONN, 0, ExitCode.IO_ERROR);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      summary(Result.OTHER, 0, ExitCode.DISTCC_FAILED);
    } catch (RuntimeException e) {
      log.error("{}: internal error", clientText(), e);
      summary(Result.OTHER, 0, ExitCode.DISTCC_FAILED);
    }
  }

  private void compile(
      Request request,
      CompileCommand command,
      CompilerResolver.Resolved resolved,
      String clientCwd,
      RequestReader requests,
      ProtocolReader in,
      ReplyWriter reply)
      throws IOException, InterruptedException {
    try (JobDirectory dir = services.directories().create()) {
      JobRoot root = command.pump() ? new JobRoot(dir.file("root")) : null;
      CompileCommand.JobPaths paths =
          new CompileCommand.JobPaths(
              command.pump() ? null : dir.file("in" + command.inputExtension()),
              dir.file(command.outputName()),
              dir.file("deps.d"),
              root == null ? null : root.path());
      Path cwd = dir.path();
      try {
        if (root != null) {
          cwd = root.workingDirectory(clientCwd);
          requests.readFiles(fileSink(root));
        } else {
          requests.readSource(paths.source());
        }
      } catch (JobRefusedException | RequestReader.Refusal refused) {
        // a name or link that would leave the job: refused, and nothing more is read
        log.warn("{}: {}", clientText(), refused.getMessage());
        tryRefusal(reply, request.version(), ExitCode.BAD_ARGUMENTS, refused.getMessage());
        summary(Result.REJ_BAD_REQ, 0, ExitCode.BAD_ARGUMENTS);
        return;
      } catch (IOException e) {
        if (isFull(e)) {
          refuseAfterSource(
              reply,
              request.version(),
              "no space left for the job's files on this volunteer: " + e.getMessage());
          return;
        }
        throw e;
      }
      CompilerProcess.Outcome outcome;
      job.phase(RunningJobs.Phase.QUEUED);
      try (JobSlots.Slot slot = services.slots().acquire()) {
        job.phase(RunningJobs.Phase.COMPILE);
        outcome =
            services
                .compiler()
                .run(
                    command.commandLine(resolved.executable(), paths),
                    cwd,
                    dir.path(),
                    dir.file("stdout"),
                    dir.file("stderr"),
                    () -> peer.closed(in));
      }
      job.phase(RunningJobs.Phase.SEND);
      if (outcome instanceof CompilerProcess.Exited exited) {
        answer(request, command, exited.waitStatus(), dir, paths, reply);
      } else if (outcome instanceof CompilerProcess.TimedOut t) {
        tryRefusal(
            reply,
            request.version(),
            ExitCode.TIMEOUT,
            "the compile ran past --job-lifetime ("
                + t.after().toSeconds()
                + "s) and was killed on the volunteer");
        summary(Result.COMPILE_TIMEOUT, ExitCode.TIMEOUT << 8, ExitCode.TIMEOUT);
      } else {
        // the client went away: nobody to answer
        summary(Result.CLI_DISCONN, 0, ExitCode.IO_ERROR);
      }
    }
  }

  private void answer(
      Request request,
      CompileCommand command,
      int waitStatus,
      JobDirectory dir,
      CompileCommand.JobPaths paths,
      ReplyWriter reply)
      throws IOException {
    byte[] stderr = Files.readAllBytes(dir.file("stderr"));
    if (waitStatus == 0 && !command.assemblyOnly()) {
      try {
        services.objectCheck().verify(paths.output());
      } catch (JobRefusedException wrong) {
        log.error("{}: {} {}: {}", clientText(), compiler, source, wrong.getMessage());
        tryRefusal(reply, request.version(), wrong.exitCode(), wrong.getMessage());
        summary(Result.OTHER, 0, wrong.exitCode());
        return;
      }
    }
    byte[] dependencies = null;
    if (command.pump() && waitStatus == 0) {
      String root = paths.root().toString();
      DebugPaths.rewrite(paths.output(), root);
      String deps =
          Files.exists(paths.dependencies()) ? Files.readString(paths.dependencies()) : "";
      dependencies =
          DependencyFile.forClient(
                  deps,
                  root,
                  DependencyFile.SERVER_TARGET,
                  command.dependencyTarget() != null
                      ? command.dependencyTarget()
                      : command.clientOutput())
              .getBytes(StandardCharsets.UTF_8);
    }
    reply.writeResult(
        request.version(), waitStatus, stderr, dir.file("stdout"), paths.output(), dependencies);
    summary(waitStatus == 0 ? Result.COMPILE_OK : Result.COMPILE_ERROR, waitStatus, 0);
  }

  /**
   * Answers a client outside --allow: nothing of its request is used, but it gets a reply in its
   * own protocol version, so the stock client backs off instead of retrying forever.
   */
  private void refuseAddress(RequestReader requests, ReplyWriter reply) throws IOException {
    log.warn("{}: not on the allow-list ({}); refused", clientText(), services.config().allow());
    int version;
    try {
      version = requests.readVersion();
    } catch (IOException e) {
      return;
    }
    tryRefusal(
        reply,
        version,
        ExitCode.ACCESS_DENIED,
        "access denied: "
            + client.getAddress().getHostAddress()
            + " is not allowed on this volunteer; its owner can add it with --allow");
    summary(Result.REJ_BAD_REQ, 0, ExitCode.ACCESS_DENIED);
  }

  /** The {@code --auth} login; a refused client is logged and gets what stock sends it. */
  private boolean authenticated() throws IOException {
    GssAuthenticator.Outcome login = services.config().auth().authenticate(in, out);
    if (!login.admitted()) {
      log.warn("{}: login refused: {}", clientText(), login.reason());
      summary(Result.REJ_BAD_REQ, 0, ExitCode.GSSAPI_FAILED);
      return false;
    }
    log.info("{}: authenticated as {}", clientText(), login.principal());
    return true;
  }

  /** The job root as the request reader's sink: its refusals become the reader's. */
  private static RequestReader.FileSink fileSink(JobRoot root) {
    return new RequestReader.FileSink() {
      @Override
      public OutputStream createFile(String clientPath) throws IOException, RequestReader.Refusal {
        try {
          return root.createFile(clientPath);
        } catch (JobRefusedException e) {
          throw new RequestReader.Refusal(e.getMessage());
        }
      }

      @Override
      public void createLink(String clientPath, String target)
          throws IOException, RequestReader.Refusal {
        try {
          root.createLink(clientPath, target);
        } catch (JobRefusedException e) {
          throw new RequestReader.Refusal(e.getMessage());
        }
      }
    };
  }

  /**
   * Refuses after reading (and dropping) the rest of the request, so the client reads the reply.
   */
  private void refuse(
      ReplyWriter reply, RequestReader requests, int exitCode, String message, boolean drainSource)
      throws IOException {
    if (drainSource) {
      if (requests.version() == 3) {
        requests.skipFiles();
      } else {
        requests.skipSource();
      }
    }
    log.info("{}: {}", clientText(), message);
    tryRefusal(reply, requests.version(), exitCode, message);
    summary(Result.REJ_BAD_REQ, 0, exitCode);
  }

  private void refuseAfterSource(ReplyWriter reply, int version, String message) {
    log.error("{}: {}", clientText(), message);
    tryRefusal(reply, version, ExitCode.IO_ERROR, message);
    summary(Result.OTHER, 0, ExitCode.IO_ERROR);
  }

  private void tryRefusal(ReplyWriter reply, int version, int exitCode, String message) {
    try {
      reply.writeRefusal(
          version,
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

  /** The source name of a refused request, for the log line: the first non-option word. */
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

  private void summary(Result result, int waitStatus, int ret) {
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
                compiler,
                source,
                in.bytesRead(),
                out.bytesWritten()));
  }

  private String clientText() {
    return JobSummary.describe(client);
  }
}
