package dev.crossfarm.daemon.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.crossfarm.daemon.drift.LineMarkers;
import dev.crossfarm.daemon.drift.LineMarkers.ClientCompiler;

/**
 * The line-marker reader on arbitrary sources, which any client can send: it never throws, finds
 * the same compiler however the source is cut into writes, and what it finds is a plausible major
 * version named by a marker line's path. Runs the seeds as regression tests; with JAZZER_FUZZ=1,
 * fuzzes.
 */
class MarkerFuzzTest {

  @FuzzTest(maxDuration = "30s")
  void readsAnySourceTheSameInAnyPieces(FuzzedDataProvider data) {
    int cut = data.consumeInt(0, 1 << 16);
    byte[] source = data.consumeRemainingAsBytes();
    ClientCompiler whole = LineMarkers.of(source);
    LineMarkers pieces = new LineMarkers();
    int first = Math.min(cut, source.length);
    pieces.update(source, 0, first);
    pieces.update(source, first, source.length - first);
    assertEquals(whole, pieces.compiler());
    if (whole != null) {
      assertTrue(whole.major() >= 0 && whole.major() < 1000, "major " + whole.major());
      assertTrue(whole.header().length() <= source.length, "the header comes from the source");
    }
  }
}
