package dev.crossfarm.daemon.protocol;

import io.airlift.compress.MalformedInputException;
import io.airlift.compress.lzo.LzoCompressor;
import io.airlift.compress.lzo.LzoDecompressor;
import java.util.Arrays;

/**
 * distcc's compression: one raw LZO1X block per item, no header, length or checksum (stock uses
 * miniLZO's {@code lzo1x_1_compress}). aircompressor interoperates with liblzo2 on every non-empty
 * input, but encodes the empty input as nothing where liblzo2 writes the lone end marker {@code 11
 * 00 00}, and neither decodes the other's form: both cases are handled here.
 */
public final class Lzo {

  /** liblzo2's encoding of the empty input: just the end-of-stream marker. */
  private static final byte[] EMPTY = {0x11, 0x00, 0x00};

  private Lzo() {}

  /** One compressed block: the first {@code length} bytes of {@code bytes}. */
  public record Block(byte[] bytes, int length) {}

  public static byte[] compress(byte[] data, int length) {
    Block block = compressBlock(data, length);
    return Arrays.copyOf(block.bytes(), block.length());
  }

  /**
   * Compresses without copying the block out of the compressor's buffer: the writer sends the first
   * {@code length} bytes as they are (the copy was a tenth of the codec's time, measured with
   * bench/codec's JMH benchmark).
   */
  public static Block compressBlock(byte[] data, int length) {
    if (length == 0) {
      return new Block(EMPTY.clone(), EMPTY.length);
    }
    LzoCompressor compressor = new LzoCompressor();
    byte[] out = new byte[compressor.maxCompressedLength(length)];
    return new Block(out, compressor.compress(data, 0, length, out, 0, out.length));
  }

  /**
   * Decompresses one block. The output buffer starts at 8 times the input, as stock distcc's does,
   * and doubles while the block does not fit, never past {@code maxLength}.
   *
   * @throws ProtocolException when the block is corrupt or expands past {@code maxLength}
   */
  public static byte[] decompress(byte[] block, int length, long maxLength)
      throws ProtocolException {
    if (length == EMPTY.length && Arrays.equals(block, 0, length, EMPTY, 0, EMPTY.length)) {
      return new byte[0];
    }
    if (length == 0) {
      throw new ProtocolException("empty LZO block (an empty item must be sent with length 0)");
    }
    LzoDecompressor decompressor = new LzoDecompressor();
    long size = Math.min(Math.max(8L * length, 4096), maxLength);
    while (true) {
      byte[] out = new byte[(int) size];
      try {
        int n = decompressor.decompress(block, 0, length, out, 0, out.length);
        return n == out.length ? out : Arrays.copyOf(out, n);
      } catch (MalformedInputException | IndexOutOfBoundsException e) {
        // aircompressor reports "output too small" the same way as corruption: retry larger
        // until the limit, then call it what it is.
        if (size >= maxLength) {
          throw new ProtocolException(
              "corrupt LZO block of "
                  + length
                  + " bytes, or it expands past the limit of "
                  + maxLength
                  + " bytes",
              e);
        }
        size = Math.min(size * 2, maxLength);
      }
    }
  }
}
