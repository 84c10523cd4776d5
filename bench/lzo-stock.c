/* liblzo2, as stock distcc uses it (lzo1x_1_compress, lzo1x_decompress_safe), on one file:
 * prints "compress MB/s" and "decompress MB/s" of uncompressed bytes, each over about 5 s.
 * Built and run by bench/run against the same payload as the JMH benchmark. */
#include <lzo/lzo1x.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  if (argc != 2 || lzo_init() != LZO_E_OK) return 2;
  FILE *f = fopen(argv[1], "rb");
  if (!f) return 2;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  unsigned char *in = malloc(n), *out = malloc(n + n / 16 + 64 + 3), *back = malloc(n);
  void *wrk = malloc(LZO1X_1_MEM_COMPRESS);
  if (fread(in, 1, n, f) != (size_t)n) return 2;
  lzo_uint clen = 0, dlen;
  for (int phase = 0; phase < 2; phase++) {  /* 1 s warm-up, then 5 s measured */
    double start = now(), limit = phase ? 5 : 1;
    long ops = 0;
    while (now() - start < limit) {
      lzo1x_1_compress(in, n, out, &clen, wrk);
      ops++;
    }
    if (phase) printf("compress %.1f\n", ops * (double)n / (now() - start) / 1e6);
  }
  for (int phase = 0; phase < 2; phase++) {
    double start = now(), limit = phase ? 5 : 1;
    long ops = 0;
    while (now() - start < limit) {
      dlen = n;
      if (lzo1x_decompress_safe(out, clen, back, &dlen, NULL) != LZO_E_OK || dlen != (lzo_uint)n) return 3;
      ops++;
    }
    if (phase) printf("decompress %.1f\n", ops * (double)n / (now() - start) / 1e6);
  }
  return 0;
}
