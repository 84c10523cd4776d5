package dev.crossfarm.front;

import dev.crossfarm.daemon.cache.CacheKey;
import dev.crossfarm.daemon.drift.LineMarkers.ClientCompiler;

/**
 * A client's request as the front read it, with what placement uses: the request's own bytes are
 * kept beside it in a {@link Spool}.
 *
 * @param version the client's protocol version (1, 2 or 3)
 * @param compiler the compiler the client named
 * @param source the source file the client named, for the log
 * @param affinity the name of the job's result (same request, same name), or null for a pump job
 * @param client the compiler that preprocessed the source, or null when no header named one
 * @param inputBytes the source's size after decompression (a pump job: all its files)
 */
record Job(
    int version,
    String compiler,
    String source,
    CacheKey affinity,
    ClientCompiler client,
    long inputBytes) {

  /** The client's gcc major version, or 0 when its source did not tell. */
  int clientMajor() {
    return client == null ? 0 : client.major();
  }
}
