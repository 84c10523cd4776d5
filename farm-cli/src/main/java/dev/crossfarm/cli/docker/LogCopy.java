package dev.crossfarm.cli.docker;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/** Copies the frames of a container's or a service's log to a stream as they arrive. */
public final class LogCopy extends ResultCallback.Adapter<Frame> {

  private final OutputStream out;

  public LogCopy(OutputStream out) {
    this.out = out;
  }

  @Override
  public void onNext(Frame frame) {
    try {
      out.write(frame.getPayload());
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits for the log's end (with follow: until the volunteer stops). */
  public void await() {
    try {
      awaitCompletion();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
