package dev.crossfarm.daemon.server;

import dev.crossfarm.daemon.cache.Digests;
import dev.crossfarm.daemon.drift.LineMarkers;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;

/**
 * The preprocessed source on its way into the job's file: its digest (the cache key's) and the
 * client's compiler (its line markers') are taken from the same pass, so the source is read once.
 * The front takes the same facts to place a job.
 */
public final class SourceTap extends FilterOutputStream {

  private final MessageDigest digest = Digests.sha256();
  private final LineMarkers markers = new LineMarkers();

  public SourceTap(OutputStream file) {
    super(file);
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    digest.update(b, off, len);
    markers.update(b, off, len);
    out.write(b, off, len);
  }

  /** What the source told, once it has all passed. */
  public Received.Source facts() {
    return new Received.Source(digest.digest(), markers.compiler());
  }
}
