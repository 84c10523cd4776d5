package dev.crossfarm.bench;

import dev.crossfarm.daemon.protocol.Lzo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The volunteer's LZO codec (protocol 2's {@code ,lzo}) on a real payload: preprocessed C, as
 * clients send it. One operation is one whole payload, so MB/s = ops/s x payload size; bench/run
 * does that arithmetic and runs liblzo2 (stock distcc's codec) on the same file.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class LzoBenchmark {

  /** The payload: a preprocessed C file (bench/run makes one from lua's sources). */
  @Param("")
  public String input;

  private byte[] plain;
  private byte[] compressed;

  @Setup
  public void load() throws IOException {
    plain = Files.readAllBytes(Path.of(input));
    compressed = Lzo.compress(plain, plain.length);
  }

  /** What the volunteer does for a reply item: compress into a block it sends as it is. */
  @Benchmark
  public Lzo.Block compressBlock() {
    return Lzo.compressBlock(plain, plain.length);
  }

  @Benchmark
  public byte[] decompress() throws IOException {
    return Lzo.decompress(compressed, compressed.length, plain.length);
  }
}
