package dev.crossfarm.daemon.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.crossfarm.daemon.protocol.Lzo;
import dev.crossfarm.daemon.protocol.ProtocolException;
import dev.crossfarm.daemon.protocol.ProtocolReader;
import dev.crossfarm.daemon.protocol.RequestLimits;
import dev.crossfarm.daemon.protocol.RequestReader;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The protocol codec on arbitrary bytes: it either reads a request, or refuses with a protocol
 * error (or sees the end of the stream); nothing else may escape, and no limit is exceeded. Runs
 * the seeds in src/test/resources as regression tests; with JAZZER_FUZZ=1, fuzzes.
 */
class CodecFuzzTest {

  private static final RequestLimits LIMITS = new RequestLimits(64, 4096, 1 << 20, 64, 4L << 20);

  @FuzzTest(maxDuration = "30s")
  void lzoDecodesWithinTheLimitOrRefuses(byte[] block) {
    try {
      byte[] out = Lzo.decompress(block, block.length, 1 << 20);
      assertTrue(out.length <= 1 << 20);
    } catch (ProtocolException refused) {
      // corrupt, or over the limit: refused
    }
  }

  @FuzzTest(maxDuration = "30s")
  void requestsAreReadOrRefusedNothingElse(byte[] wire) throws IOException {
    RequestReader reader =
        new RequestReader(new ProtocolReader(new ByteArrayInputStream(wire)), LIMITS);
    long[] written = {0};
    try {
      reader.readVersion();
      if (reader.version() == 3) {
        reader.readWorkingDirectory();
      }
      reader.readArguments();
      if (reader.version() == 3) {
        reader.readFiles(
            new RequestReader.FileSink<RuntimeException>() {
              @Override
              public OutputStream createFile(String clientPath) {
                return new OutputStream() {
                  @Override
                  public void write(int b) {
                    written[0]++;
                  }
                };
              }

              @Override
              public void createLink(String clientPath, String target) {}
            });
      } else {
        reader.skipInput();
      }
    } catch (ProtocolException | EOFException expected) {
      // a refusal or a short stream is the only way out
    }
    assertTrue(written[0] <= LIMITS.maxTotalBytes(), "wrote " + written[0]);
  }
}
