package dev.crossfarm.daemon.server;

import dev.crossfarm.daemon.job.CompileCommand;
import dev.crossfarm.daemon.job.JobDirectory;
import dev.crossfarm.daemon.job.JobRefusedException;
import dev.crossfarm.daemon.protocol.RequestReader;
import java.io.IOException;

/**
 * A job whose arguments passed the policy, by the protocol it came in: how its input arrives, where
 * the compiler runs, and what the reply carries besides the object.
 */
sealed interface CompileJob permits PlainJob, PumpJob {

  CompileCommand command();

  /** Where the job's files go inside its directory. */
  CompileCommand.JobPaths paths(JobDirectory dir);

  /**
   * Reads the job's input into {@code paths}.
   *
   * @return the compiler's working directory and what a plain job's source told
   * @throws JobRefusedException when a file name or link would leave the job
   */
  Received receive(RequestReader requests, JobDirectory dir, CompileCommand.JobPaths paths)
      throws IOException, JobRefusedException;

  /**
   * After a compile that succeeded: puts the object in the shape the client needs and returns the
   * dependency file the reply carries, or null when it carries none.
   */
  byte[] finish(CompileCommand.JobPaths paths) throws IOException;
}
