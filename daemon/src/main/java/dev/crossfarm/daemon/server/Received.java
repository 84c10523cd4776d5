package dev.crossfarm.daemon.server;

import dev.crossfarm.daemon.drift.LineMarkers.ClientCompiler;
import java.nio.file.Path;

/**
 * A job's input, read: where its compiler runs and, for a plain job, what its source told.
 *
 * @param source a plain job's source facts, or null (pump: many files, not cached)
 */
public record Received(Path cwd, Source source) {

  /**
   * @param digest the SHA-256 of the preprocessed source
   * @param client the compiler that preprocessed it, or null when no header named one
   */
  public record Source(byte[] digest, ClientCompiler client) {}
}
