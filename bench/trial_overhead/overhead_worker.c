/* Benchmark worker: prints `loss=` and writes its own run time (from main() to exit, wall
 * clock) to $SEXTANT_TRIAL_DIR/worker_time, so the benchmark can subtract exactly the time
 * the worker itself ran and charge everything else (fork, exec, bookkeeping) to the engine.
 * It is C and linked statically so that its own start-up is not a dynamic loader resolving
 * libstdc++ (a cost of the worker's language, not of the engine). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char** argv) {
  double start = now();
  double x = argc > 1 ? atof(argv[1]) : 0.5;
  printf("loss=%.6f\n", (x - 0.25) * (x - 0.25));
  fflush(stdout);
  const char* dir = getenv("SEXTANT_TRIAL_DIR");
  if (dir) {
    char path[4096];
    snprintf(path, sizeof path, "%s/worker_time", dir);
    FILE* f = fopen(path, "w");
    if (f) {
      fprintf(f, "%.9f %.9f\n", start, now());
      fclose(f);
    }
  }
  return 0;
}
